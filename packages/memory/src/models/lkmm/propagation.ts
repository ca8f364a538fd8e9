import { Tag } from '../../exec/tags.js';
import { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';
import { fences } from './fences.js';
import { hbStar } from './happens-before.js';
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

/** `r ; rmw-sequence`: r itself without RMWs (rmw-sequence is then the identity). */
export function thenRmwSequence(c: LkmmContext, r: Relation): Relation {
  return c.sk.rmw.isEmpty() ? r : r.seq(rmwSequence(c));
}

export function cumulFence(c: LkmmContext): Relation {
  return c.cached('cumul-fence', () => {
    const { Marked } = lkmmSets(c);
    const { released, withoutRf } = cumulFenceParts(c);
    const aCumulRfe = released.isEmpty() ? withoutRf : withoutRf.union(c.rfe.toSet(Marked).seq(released));
    return thenRmwSequence(c, aCumulRfe.union(poUnlockLockPo(c)).restrict(Marked, Marked));
  });
}

/** strong-fence | po-rel, and with wmb: fence relations, value-independent but for smp_mb__after_unlock_lock(). */
function cumulFenceParts(c: LkmmContext): { released: Relation; withoutRf: Relation } {
  const make = (): { released: Relation; withoutRf: Relation } => {
    const f = fences(c);
    const released = f.strongFence.union(f.poRel);
    return { released, withoutRf: released.union(f.wmb) };
  };
  return c.sk.tagged(Tag.AFTER_UNLOCK_LOCK).isEmpty() ? c.staticRel('lkmm:cumul-fence-parts', make) : make();
}

export function prop(c: LkmmContext): Relation {
  return c.cached('prop', () => {
    const { Marked } = lkmmSets(c);
    const overwriteExt = c.external(c.coFr).opt();
    return overwriteExt.fromSet(Marked).seq(cumulFence(c).star()).toSet(Marked).seq(c.rfe.opt()).toSet(Marked);
  });
}

/** pb = prop ; strong-fence ; hb* ; [Marked]: the "propagation" axiom wants it acyclic. */
export function pb(c: LkmmContext): Relation {
  return c.cached('pb', () => {
    const strongFence = fences(c).strongFence;
    // Without a strong fence pb is empty: prop and hb* need not be computed for it.
    if (strongFence.isEmpty()) return c.staticRel('lkmm:empty', () => Relation.empty(c.n));
    return prop(c).seq(strongFence).seq(hbStar(c)).toSet(lkmmSets(c).Marked);
  });
}
