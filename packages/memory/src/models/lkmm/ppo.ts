import { Tag } from '../../exec/tags.js';
import type { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';
import { dependencies, type Dependencies } from './dependencies.js';
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
    const d = dependencies(c);
    // Dependencies carried through no store and fences without smp_mb__after_unlock_lock() (the
    // usual case) are value-independent: their part of ppo is shared by every graph of the shape.
    const shared = d.addr === c.sk.addr && c.sk.tagged(Tag.AFTER_UNLOCK_LOCK).isEmpty();
    const fixed = shared ? c.staticRel('lkmm:ppo-fixed', () => fixedPart(c, d)) : fixedPart(c, d);
    const depMarked = shared ? c.staticRel('lkmm:dep-marked', () => depToMarked(c, d)) : depToMarked(c, d);
    let r = fixed.union(c.internal(c.coFr));
    if (!depMarked.isEmpty()) r = r.union(depMarked.seq(c.rfi));
    // Without an unlock, po-unlock-lock-po is value-independent and in the fixed part.
    return lkmmSets(c).UL.isEmpty() ? r : r.union(c.internal(poUnlockLockPo(c)));
  });
}

/** (addr | data) ; [Marked], of to-r's second part (followed by rfi). */
function depToMarked(c: LkmmContext, d: Dependencies): Relation {
  return d.addr.union(d.data).toSet(lkmmSets(c).Marked);
}

/**
 * The part of ppo that reads-from and coherence do not change: to-w's dependencies, to-r's addr,
 * fences, and po-unlock-lock-po & int when there is no unlock.
 */
function fixedPart(c: LkmmContext, d: Dependencies): Relation {
  const sk = c.sk;
  const s = lkmmSets(c);
  const f = fences(c);
  const rwdep = d.addr.union(d.data, d.ctrl).toSet(sk.W);
  const plainWmb = s.Plain.isEmpty() ? rwdep : rwdep.union(d.addr.toSet(s.Plain).seq(f.wmb));
  const fixed = plainWmb.union(d.addr.toSet(sk.R), c.internal(f.fence));
  return s.UL.isEmpty() ? fixed.union(c.internal(poUnlockLockPo(c))) : fixed;
}
