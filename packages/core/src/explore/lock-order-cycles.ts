import type { LockOrderChain } from './lock-order-chain.js';

/** Longest cycle looked for (lockdep's reports are nearly always of two or three locks). */
const MAX_CYCLE = 4;

/**
 * True when a thread taking a lock on side `taking` waits for one holding it on side `holding`:
 * only two readers of an rwlock share it (lockdep: a read side does not deadlock against another
 * reader, but read against write does).
 */
export function blocks(taking: 'read' | 'write', holding: 'read' | 'write'): boolean {
  return taking === 'write' || holding === 'write';
}

/**
 * The cycles of the lock-order graph that can deadlock: chains c0..ck-1 where each takes the lock
 * the next one holds (ci.taken = ci+1.held, last to first), on sides that block each other, with no
 * lock twice. Each cycle once, starting at its first chain in `chains`' order; one cycle per set
 * of locks (the first found), as lockdep reports one inversion once.
 */
export function lockOrderCycles(chains: readonly LockOrderChain[]): LockOrderChain[][] {
  const out: LockOrderChain[][] = [];
  const seenLockSets = new Set<string>();
  const path: LockOrderChain[] = [];
  const onPath = new Set<string>();
  const visit = (start: number, at: LockOrderChain): void => {
    for (let j = start; j < chains.length; j++) {
      const next = chains[j] as LockOrderChain;
      if (next.held !== at.taken || !blocks(at.takenSide, next.heldSide)) continue;
      if (j === start && path.length > 1) {
        const locks = path.map((c) => c.held).sort().join('\u0000');
        if (!seenLockSets.has(locks)) {
          seenLockSets.add(locks);
          out.push([...path]);
        }
        continue;
      }
      if (j === start || onPath.has(next.held) || path.length >= MAX_CYCLE) continue;
      path.push(next);
      onPath.add(next.held);
      visit(start, next);
      onPath.delete(next.held);
      path.pop();
    }
  };
  for (let s = 0; s < chains.length; s++) {
    const first = chains[s] as LockOrderChain;
    path.push(first);
    onPath.add(first.held);
    visit(s, first);
    onPath.delete(first.held);
    path.pop();
  }
  return out;
}
