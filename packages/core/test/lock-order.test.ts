import { describe, expect, it } from 'vitest';
import { defineModel, hunt, verify, type Lock, type RwLock, type Steps, type Thread } from '../src/index.js';

// Issue 22 item 3: lock-order inversions reported as lockdep reports them, from the orders seen
// across every execution explored, also when no execution deadlocked.

type Side = 'lock' | 'read' | 'write';
interface S {
  a: Lock;
  b: Lock;
  r: RwLock;
  q: RwLock;
}

const take = (s: S, name: 'a' | 'b' | 'r' | 'q', side: Side): Steps => (name === 'a' || name === 'b' ? s[name].lock() : side === 'read' ? s[name].readLock() : s[name].writeLock());
const drop = (s: S, name: 'a' | 'b' | 'r' | 'q', side: Side): Steps => (name === 'a' || name === 'b' ? s[name].unlock() : side === 'read' ? s[name].readUnlock() : s[name].writeUnlock());

/** An operation that runs as `fn`, taking `first` then `second` and releasing both. */
function nested(fn: string, first: ['a' | 'b' | 'r' | 'q', Side], second: ['a' | 'b' | 'r' | 'q', Side]) {
  return (s: S, t: Thread<'consistent-order'>): Steps =>
    t.within(
      fn,
      (function* () {
        yield* take(s, ...first);
        yield* t.within(`${fn}_inner`, take(s, ...second));
        yield* drop(s, ...second);
        yield* drop(s, ...first);
      })(),
    );
}

/**
 * Two operations that take two locks; `forward` always takes `first` then `second`, and `backward`
 * takes them the other way round unless the fix `consistent-order` is on. The catalogue never runs
 * the two at once (one thread runs both in sequence), so no execution can deadlock.
 */
function twoLockModel(
  first: ['a' | 'b' | 'r' | 'q', Side],
  second: ['a' | 'b' | 'r' | 'q', Side],
  threads: string[][] = [['forward', 'backward']],
  backwardSides: [Side, Side] = [second[1], first[1]],
) {
  const forward = nested('kvm_forward', first, second);
  const backward = nested('kvm_backward', [second[0], backwardSides[0]], [first[0], backwardSides[1]]);
  const consistent = nested('kvm_backward', first, second);
  return defineModel({
    name: 'lock-order-test',
    title: 'two locks',
    summary: 'two locks taken in two orders',
    fixes: { 'consistent-order': { commit: '000000000000', summary: 'take them in one order' } },
    operations: {
      forward: { summary: 'first then second', kernel: 'kvm_forward()', run: forward },
      backward: { summary: 'second then first', kernel: 'kvm_backward()', run: (s, t) => (t.fixed('consistent-order') ? consistent(s, t) : backward(s, t)) },
    },
    setup: (w) => ({ a: w.mutex('kvm->lock'), b: w.spinlock('kvm->mmu_lock'), r: w.rwlock('r'), q: w.rwlock('q') }),
    invariants: [{ name: 'fine', description: 'always', at: 'end', check: () => true }],
    scenarios: { minThreads: 1, maxThreads: 2, maxOpsPerThread: 2, maxOps: 2, catalogue: [{ name: 'in sequence', threads }] },
  });
}

const BUGGY: string[] = [];
const FIXED = ['consistent-order'];

describe('lock-order inversions', () => {
  it('reports a mutex/spinlock inversion that no execution deadlocks on, with both chains', () => {
    const model = twoLockModel(['a', 'lock'], ['b', 'lock']);
    const r = verify(model, { fixes: BUGGY, lockOrder: true });
    expect(r.verdict).toBe('holds'); // no execution deadlocked
    expect(r.lockOrder?.possibleDeadlocks).toHaveLength(1);
    const d = r.lockOrder!.possibleDeadlocks[0]!;
    expect(new Set(d.locks)).toEqual(new Set(['kvm->lock', 'kvm->mmu_lock']));
    expect(d.chains.map((c) => [c.held, c.taken, c.heldIn, c.takenIn, c.cpu, c.operation])).toEqual([
      ['kvm->lock', 'kvm->mmu_lock', 'kvm_forward', 'kvm_forward_inner', 0, 'forward'],
      ['kvm->mmu_lock', 'kvm->lock', 'kvm_backward', 'kvm_backward_inner', 0, 'backward'],
    ]);
    expect(d.message).toBe(
      'possible deadlock: kvm->lock then kvm->mmu_lock in kvm_forward() then kvm_forward_inner() on CPU0 (forward) ... kvm->mmu_lock then kvm->lock in kvm_backward() then kvm_backward_inner() on CPU0 (backward)',
    );
  });

  it('reports nothing when both operations take the locks in one order, though it saw the order', () => {
    const r = verify(twoLockModel(['a', 'lock'], ['b', 'lock']), { fixes: FIXED, lockOrder: true });
    expect(r.lockOrder?.possibleDeadlocks).toEqual([]);
    expect(r.lockOrder?.dependencies.map((d) => `${d.held}>${d.taken}`)).toEqual(['kvm->lock>kvm->mmu_lock']);
  });

  it('records nothing unless asked', () => {
    expect(verify(twoLockModel(['a', 'lock'], ['b', 'lock']), { fixes: BUGGY }).lockOrder).toBeUndefined();
  });

  it('two read sides in opposite orders are no inversion; read against write is', () => {
    const readers = verify(twoLockModel(['r', 'read'], ['q', 'read']), { fixes: BUGGY, lockOrder: true });
    expect(readers.lockOrder?.dependencies).toHaveLength(2);
    expect(readers.lockOrder?.possibleDeadlocks).toEqual([]);
    // read_lock(r) then spin_lock(b), against spin_lock(b) then read_lock(r): the reader never waits for a reader.
    const readAndLock = verify(twoLockModel(['r', 'read'], ['b', 'lock']), { fixes: BUGGY, lockOrder: true });
    expect(readAndLock.lockOrder?.possibleDeadlocks).toEqual([]);
    // read_lock(r) then spin_lock(b), against spin_lock(b) then write_lock(r): the writer waits for the reader.
    const readWrite = verify(twoLockModel(['r', 'read'], ['b', 'lock'], undefined, ['lock', 'write']), { fixes: BUGGY, lockOrder: true });
    expect(readWrite.lockOrder?.possibleDeadlocks).toHaveLength(1);
    expect(readWrite.lockOrder?.possibleDeadlocks[0]?.message).toMatch(/r \(read\) then kvm->mmu_lock in .* kvm->mmu_lock then r \(write\) in /);
  });

  it('hunt records the orders of the executions it runs, and stays deterministic', () => {
    const model = twoLockModel(['a', 'lock'], ['b', 'lock']);
    const a = hunt(model, { fixes: BUGGY, seed: 1, runs: 20, strategy: 'random', lockOrder: true });
    expect(a.found).toBe(false);
    expect(a.lockOrder?.possibleDeadlocks).toHaveLength(1);
    const b = hunt(model, { fixes: BUGGY, seed: 1, runs: 20, strategy: 'pct', lockOrder: true });
    expect(b.lockOrder?.possibleDeadlocks[0]?.message).toBe(a.lockOrder?.possibleDeadlocks[0]?.message);
    expect(hunt(model, { fixes: FIXED, seed: 1, runs: 20, strategy: 'random', lockOrder: true }).lockOrder?.possibleDeadlocks).toEqual([]);
  });

  it('an inversion split between two scenarios is found', () => {
    const model = twoLockModel(['a', 'lock'], ['b', 'lock']);
    const r = verify(model, { fixes: BUGGY, scenarios: [[['forward']], [['backward']]], lockOrder: true });
    expect(r.verdict).toBe('holds');
    expect(r.lockOrder?.possibleDeadlocks[0]?.chains.map((c) => c.operation).sort()).toEqual(['backward', 'forward']);
  });

  it('a real deadlock is still a deadlock, and its inversion is reported too', () => {
    const model = twoLockModel(['a', 'lock'], ['b', 'lock'], [['forward'], ['backward']]);
    const r = verify(model, { fixes: BUGGY, lockOrder: true });
    expect(r.counterexample?.outcome.kind).toBe('deadlock');
    expect(r.lockOrder?.possibleDeadlocks).toHaveLength(1);
    expect(r.lockOrder?.possibleDeadlocks[0]?.chains.map((c) => c.cpu).sort()).toEqual([0, 1]);
  });
});

describe('lock orders over shards', () => {
  it('merging shards finds an inversion whose two orders are in different shards', async () => {
    const { mergeVerifyResults } = await import('../src/index.js');
    const model = twoLockModel(['a', 'lock'], ['b', 'lock']);
    const scenarios = [[['forward']], [['backward']]];
    const shards = [0, 1].map((index) => verify(model, { fixes: BUGGY, scenarios, shard: { index, count: 2 }, lockOrder: true }));
    expect(shards.map((s) => s.lockOrder?.possibleDeadlocks.length)).toEqual([0, 0]);
    expect(mergeVerifyResults(shards).lockOrder?.possibleDeadlocks).toHaveLength(1);
  });
});
