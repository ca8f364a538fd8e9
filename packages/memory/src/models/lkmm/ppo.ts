import type { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';
import { dependencies } from './dependencies.js';
import { fences } from './fences.js';
import { poUnlockLockPo } from './locking.js';
import { lkmmSets } from './sets.js';

// Preserved program order (explanation.txt §18 THE PRESERVED PROGRAM ORDER RELATION: ppo): what a
// CPU cannot reorder. A write waits for what its address, value or control flow depends on, and for
// the accesses of its location before it; a read waits for its address, and for a dependency that
// reached it through a marked store it reads on its own CPU; fences order within the CPU.
//   to-w = ((addr | data | ctrl) ; [W]) | ((co | fr) & int) | (addr ; [Plain] ; wmb)
//   to-r = (addr ; [R]) | ((addr | data) ; [Marked] ; rfi)
//   ppo  = to-r | to-w | (fence & int) | (po-unlock-lock-po & int)

export function ppo(c: LkmmContext): Relation {
  return c.cached('ppo', () => {
    const sk = c.sk;
    const s = lkmmSets(c);
    const d = dependencies(c);
    const f = fences(c);
    const dep = d.addr.union(d.data);
    const rwdep = dep.union(d.ctrl).toSet(sk.W);
    const overwriteInt = c.coi.union(c.fri);
    let toW = rwdep.union(overwriteInt);
    if (!s.Plain.isEmpty()) toW = toW.union(d.addr.toSet(s.Plain).seq(f.wmb));
    const toR = d.addr.toSet(sk.R).union(dep.toSet(s.Marked).seq(c.rfi));
    return toR.union(toW, c.internal(f.fence), c.internal(poUnlockLockPo(c)));
  });
}
