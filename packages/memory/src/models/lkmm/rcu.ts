import { Tag } from '../../exec/tags.js';
import { Relation } from '../../relation/relation.js';
import { rcuSections, srcuSections } from '../common/critical-sections.js';
import type { LkmmContext } from './context.js';
import { fences } from './fences.js';
import { hbStar } from './happens-before.js';
import { pb, prop } from './propagation.js';
import { lkmmSets } from './sets.js';

// RCU (explanation.txt §22 RCU RELATIONS: rcu-link, rcu-gp, rcu-rscsi, rcu-order, rcu-fence, and
// rb). A sequence of grace periods and read-side critical sections joined by rcu-link, with at
// least as many grace periods as critical sections, orders like a strong fence (rcu-fence); SRCU
// grace periods and sections count only with the same srcu_struct.
//   rcu-link  = po? ; hb* ; pb* ; prop ; po
//   rcu-order = gp | (gp ; link ; rscsi) | (rscsi ; link ; gp) | (gp ; link ; order ; link ; rscsi)
//             | (rscsi ; link ; order ; link ; gp) | (order ; link ; order)   (least fixpoint)
//   rcu-fence = po ; rcu-order ; po?       rb = prop ; rcu-fence ; hb* ; pb* ; [Marked]
//   irreflexive rb

export interface RcuRelations {
  readonly rcuFence: Relation;
  readonly rb: Relation;
}

export function rcu(c: LkmmContext): RcuRelations | null {
  const sk = c.sk;
  const rcuGpSet = sk.tagged(Tag.SYNC_RCU);
  const srcuGpSet = sk.tagged(Tag.SYNC_SRCU);
  if (rcuGpSet.isEmpty() && srcuGpSet.isEmpty()) return null;
  const { Marked } = lkmmSets(c);
  const hbS = hbStar(c);
  const pbStar = pb(c).star();
  const fixed = c.staticRel('lkmm:rcu-fixed', () => ({
    poOpt: c.po.opt(),
    rcuGp: Relation.id(rcuGpSet),
    srcuGp: Relation.id(srcuGpSet),
    rcuRscsi: rcuSections(sk).inverse(),
  }));
  const { rcuGp, srcuGp, rcuRscsi } = fixed;
  const link = fixed.poOpt.seq(hbS).seq(pbStar).seq(prop(c)).seq(c.po);
  const sameLoc = (r: Relation): Relation => c.sameLocation(r);
  // A domain without grace periods adds nothing to rcu-order (each of its terms starts or ends
  // with one): its terms are left out rather than computed empty.
  const hasRcu = !rcuGpSet.isEmpty();
  const srcuRscsi = srcuGpSet.isEmpty() ? null : srcuSections(c.graph).inverse();
  // gp ; around ; rscsi and rscsi ; around ; gp of each domain (around = link, then link ; order ; link).
  const ends = (around: Relation): Relation[] => {
    const out: Relation[] = [];
    if (hasRcu) out.push(rcuGp.seq(around).seq(rcuRscsi), rcuRscsi.seq(around).seq(rcuGp));
    if (srcuRscsi) out.push(sameLoc(srcuGp.seq(around).seq(srcuRscsi)), sameLoc(srcuRscsi.seq(around).seq(srcuGp)));
    return out;
  };
  let order = rcuGp.union(srcuGp, ...ends(link));
  for (;;) {
    const around = link.seq(order).seq(link);
    const next = order.union(...ends(around), order.seq(link).seq(order));
    if (next.equals(order)) break;
    order = next;
  }
  const rcuFence = c.po.seq(order).seq(c.po.opt());
  const rb = prop(c).seq(rcuFence).seq(hbS).seq(pbStar).toSet(Marked);
  return { rcuFence, rb };
}

/** The fences once rcu-fence joins them (the definitions after the RCU axiom use these). */
export function fencesWithRcu(c: LkmmContext, r: RcuRelations | null): { fence: Relation; strongFence: Relation } {
  const f = fences(c);
  if (!r) return { fence: f.fence, strongFence: f.strongFence };
  return { fence: f.fence.union(r.rcuFence), strongFence: f.strongFence.union(r.rcuFence) };
}
