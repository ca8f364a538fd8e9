import type { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';
import { fences } from './fences.js';
import { poUnlockLockPo } from './locking.js';
import { lkmmSets } from './sets.js';

// Propagation (explanation.txt §14 PROPAGATION ORDER RELATION: cumul-fence, §21 THE
// PROPAGATES-BEFORE RELATION: pb). Release and strong fences are A-cumulative: they also order
// the writes their CPU read before them; a chain of RMWs reading each other extends the order.
//   A-cumul(r)   = (rfe ; [Marked])? ; r
//   rmw-sequence = (rf ; rmw)*
//   cumul-fence  = [Marked] ; (A-cumul(strong-fence | po-rel) | wmb | po-unlock-lock-po) ; [Marked] ; rmw-sequence
//   prop         = [Marked] ; ((co | fr) & ext)? ; cumul-fence* ; [Marked] ; rfe? ; [Marked]

export function rmwSequence(c: LkmmContext): Relation {
  return c.cached('rmw-sequence', () => (c.sk.rmw.isEmpty() ? c.rf.seq(c.sk.rmw).opt() : c.rf.seq(c.sk.rmw).star()));
}

export function cumulFence(c: LkmmContext): Relation {
  return c.cached('cumul-fence', () => {
    const { Marked } = lkmmSets(c);
    const f = fences(c);
    const r = f.strongFence.union(f.poRel);
    const aCumul = r.union(c.rfe.toSet(Marked).seq(r));
    return aCumul.union(f.wmb, poUnlockLockPo(c)).restrict(Marked, Marked).seq(rmwSequence(c));
  });
}

export function prop(c: LkmmContext): Relation {
  return c.cached('prop', () => {
    const { Marked } = lkmmSets(c);
    const overwriteExt = c.coe.union(c.fre).opt();
    return overwriteExt.fromSet(Marked).seq(cumulFence(c).star()).toSet(Marked).seq(c.rfe.opt()).toSet(Marked);
  });
}

/** pb = prop ; strong-fence ; hb* ; [Marked]: the "propagation" axiom wants it acyclic. */
export function pb(c: LkmmContext, hbStar: Relation): Relation {
  return c.cached('pb', () => {
    const { Marked } = lkmmSets(c);
    return prop(c).seq(fences(c).strongFence).seq(hbStar).toSet(Marked);
  });
}
