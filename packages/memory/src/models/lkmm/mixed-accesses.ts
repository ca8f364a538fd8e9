import { Tag } from '../../exec/tags.js';
import type { LkmmContext } from './context.js';
import { lkmmSets } from './sets.js';

// herd's `mixed-accesses` flag (explanation.txt §24 PLAIN ACCESSES AND DATA RACES): a plain write
// and a marked access to the same location on one CPU with no compiler barrier between them, which
// the compiler may tear or merge. Value-independent: computed once per shape.
//   barrier = fencerel(Barrier | Rmb | Wmb | Mb | Sync-rcu | Sync-srcu | Before-atomic | After-atomic
//             | Acquire | Release | Rcu-lock | Rcu-unlock | Srcu-lock | Srcu-unlock)
//             | (po ; [Release]) | ([Acquire] ; po)
//   mixed-accesses = ([Plain & W] ; (po-loc \ barrier) ; [Marked]) | ([Marked] ; (po-loc \ barrier) ; [Plain & W])

const BARRIER_TAGS = Tag.F_BARRIER | Tag.F_RMB | Tag.F_WMB | Tag.SYNC_RCU | Tag.SYNC_SRCU | Tag.BEFORE_ATOMIC | Tag.AFTER_ATOMIC
  | Tag.RCU_LOCK | Tag.RCU_UNLOCK | Tag.SRCU_LOCK | Tag.SRCU_UNLOCK;

export function mixedAccesses(c: LkmmContext): boolean {
  return c.staticRel('lkmm:mixed-accesses', () => {
    const s = lkmmSets(c);
    const plainW = s.Plain.inter(c.sk.W);
    if (plainW.isEmpty()) return { flagged: false };
    const fenceEvents = c.sk.tagged(BARRIER_TAGS).union(s.Mb).union(s.Acquire).union(s.Release);
    const barrier = c.fencerel(fenceEvents).union(c.po.toSet(s.Release), c.po.fromSet(s.Acquire));
    const unordered = c.poLoc.minus(barrier);
    const flagged = !unordered.restrict(plainW, s.Marked).isEmpty() || !unordered.restrict(s.Marked, plainW).isEmpty();
    return { flagged };
  }).flagged;
}
