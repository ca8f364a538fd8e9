import type { ExecutionGraph, Skeleton } from '../../exec/graph.js';
import { Tag } from '../../exec/tags.js';
import { EventSet } from '../../relation/event-set.js';
import { Relation } from '../../relation/relation.js';

// RCU and SRCU read-side critical sections and grace periods, shared by the three models
// (explanation.txt §22 RCU RELATIONS).

/**
 * rcu-rscs: each rcu_read_lock() with the rcu_read_unlock() that closes it, nested sections
 * matched innermost first, as a stack does (herd's recursive definition in linux-kernel.bell comes
 * to the same pairs).
 */
export function rcuSections(sk: Skeleton): Relation {
  return sk.memoize('rcu-rscs', () => {
    const r = new Relation(sk.n);
    const stacks: number[][] = [];
    for (const e of sk.events) {
      if (e.thread < 0) continue;
      const stack = (stacks[e.thread] ??= []);
      if (e.tags & Tag.RCU_LOCK) stack.push(e.id);
      else if (e.tags & Tag.RCU_UNLOCK) {
        const open = stack.pop();
        if (open !== undefined) r.set(open, e.id);
      }
    }
    return r;
  });
}

/**
 * srcu-rscs: an srcu_read_lock() with the srcu_read_unlock() its index reaches through data
 * dependencies (and through memory: reads-from), on the same srcu_struct:
 * ([Srcu-lock] ; (data ; [~Srcu-unlock] ; rf)* ; data ; [Srcu-unlock]) & loc.
 */
export function srcuSections(g: ExecutionGraph): Relation {
  const sk = g.skeleton;
  const locks = sk.tagged(Tag.SRCU_LOCK);
  if (locks.isEmpty()) return Relation.empty(sk.n);
  const unlocks = sk.tagged(Tag.SRCU_UNLOCK);
  const carry = sk.data.toSet(unlocks.complement()).seq(g.rf).star();
  return Relation.id(locks).seq(carry).seq(sk.data).toSet(unlocks).filter((a, b) => sk.sameLoc(a, b));
}

/** A read-side critical section: its opening and closing events, and the grace periods that must respect it. */
export interface Section {
  readonly lock: number;
  readonly unlock: number;
  /** -1 for RCU, else the srcu_struct's location. */
  readonly domain: number;
}

/** The outermost sections of RCU and every SRCU section. */
export function sectionsOf(g: ExecutionGraph): Section[] {
  const sk = g.skeleton;
  const out: Section[] = [];
  const rcu = rcuSections(sk);
  // Nested sections lie inside their outermost one, which carries the constraint.
  const inner = EventSet.filter(sk.n, (l) => {
    for (const [ol, ou] of rcu.pairs()) if (ol !== l && sk.po.has(ol, l) && sk.po.has(l, ou)) return true;
    return false;
  });
  for (const [lock, unlock] of rcu.pairs()) if (!inner.has(lock)) out.push({ lock, unlock, domain: -1 });
  for (const [lock, unlock] of srcuSections(g).pairs()) out.push({ lock, unlock, domain: sk.events[lock]!.loc });
  return out;
}

/** synchronize_rcu() (domain -1) and synchronize_srcu() (its srcu_struct) events. */
export function gracePeriodsOf(sk: Skeleton): Array<{ event: number; domain: number }> {
  const out: Array<{ event: number; domain: number }> = [];
  for (const e of sk.events) {
    if (e.tags & Tag.SYNC_RCU) out.push({ event: e.id, domain: -1 });
    else if (e.tags & Tag.SYNC_SRCU) out.push({ event: e.id, domain: e.loc });
  }
  return out;
}
