import type { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';
import { lkmmSets } from './sets.js';

// Locking (explanation.txt §23 LOCKING). spin_lock() is an acquire read (LKR) and a write (LKW)
// forming an atomic pair, spin_unlock() a release write (UL); the enumerator lines critical
// sections up in the lock's coherence order. One more relation orders accesses across a lock
// hand-off, when an unlock is followed, on its CPU or on the CPU that takes the lock next, by a
// lock of the same lock:
//   po-unlock-lock-po = po ; [UL] ; (po | rf) ; [LKR] ; po

export function poUnlockLockPo(c: LkmmContext): Relation {
  return c.cached('po-unlock-lock-po', () => {
    const { UL, LKR } = lkmmSets(c);
    const sameCpu = c.staticRel('lkmm:pullp-po', () => c.po.toSet(UL).seq(c.po).toSet(LKR).seq(c.po));
    if (UL.isEmpty()) return sameCpu;
    return sameCpu.union(c.po.toSet(UL).seq(c.rf).toSet(LKR).seq(c.po));
  });
}
