import { Tag } from '../../exec/tags.js';
import { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';
import { dependencies } from './dependencies.js';
import { fences } from './fences.js';
import { hb } from './happens-before.js';
import { cumulFence, pb, thenRmwSequence } from './propagation.js';
import { fencesWithRcu, type RcuRelations } from './rcu.js';
import { lkmmSets } from './sets.js';

// Plain accesses and data races (explanation.txt §24 PLAIN ACCESSES AND DATA RACES). Two accesses
// of different CPUs to one location, one of them plain and one a write, race unless marked accesses
// and fences bound them in time: the executes-before order xb = hb | pb | rb, and visibility of a
// write to another CPU (vis). Plain accesses must still be coherent where those bounds order them
// (the plain-coherence axiom), and a race is reported as herd's `data-race` flag.

export interface PlainVerdict {
  /** The plain-coherence axiom holds. */
  readonly coherent: boolean;
  readonly dataRace: boolean;
  /** The racing pairs of events (ids), when `dataRace`. */
  readonly races: ReadonlyArray<readonly [number, number]>;
}

const NO_RACE: PlainVerdict = { coherent: true, dataRace: false, races: [] };

export function plainAccesses(c: LkmmContext, r: RcuRelations | null): PlainVerdict {
  const sk = c.sk;
  const s = lkmmSets(c);
  const M = sk.M;
  const W = sk.W;

  // pre-race = ext & ((Plain * M) | ((M \ IW) * Plain)), within a location
  const preRace = c.staticRel('lkmm:pre-race', () =>
    c.external(c.sameLocation(Relation.cross(s.Plain, M).union(Relation.cross(M.minus(sk.IW), s.Plain)))),
  );
  if (preRace.isEmpty()) return NO_RACE;
  const f = fences(c);
  const { fence, strongFence } = fencesWithRcu(c, r);

  const xb = hb(c).union(pb(c));
  const xbstar = (r ? xb.union(r.rb) : xb).star();
  // vis = cumul-fence* ; rfe? ; [Marked] ; ((strong-fence ; [Marked] ; xbstar) | (xbstar & int))
  const vis = cumulFence(c).star().seq(c.rfe.opt()).toSet(s.Marked)
    .seq(strongFence.toSet(s.Marked).seq(xbstar).union(c.internal(xbstar)));
  const addr = dependencies(c).addr;
  const notNoreturn = s.Noreturn.complement();
  const rmbRel = c.fencerel(sk.tagged(Tag.F_RMB));
  const wPreBounded = addr.union(fence).opt().fromSet(s.Marked);
  const rPreBounded = addr.union(f.nonrwFence, rmbRel.restrict(s.R4rmb, notNoreturn)).opt().fromSet(s.Marked);
  const wPostBounded = thenRmwSequence(c, fence.opt().toSet(s.Marked));
  const rPostBounded = f.nonrwFence.union(rmbRel.restrict(notNoreturn, s.R4rmb)).opt().toSet(s.Marked);

  const strongXb = strongFence.seq(xbstar);
  const wwVis = fence.union(strongXb.seq(wPreBounded), wPostBounded.seq(vis).seq(wPreBounded));
  const wrVis = fence.union(strongXb.seq(rPreBounded), wPostBounded.seq(vis).seq(rPreBounded));
  const rwXbstar = fence.union(rPostBounded.seq(xbstar).seq(wPreBounded));

  const wrIncoh = preRace.inter(c.rf).inter(rwXbstar.inverse());
  const rwIncoh = preRace.inter(c.fr).inter(wrVis.inverse());
  const wwIncoh = preRace.inter(c.co).inter(wwVis.inverse());
  const coherent = wrIncoh.isEmpty() && rwIncoh.isEmpty() && wwIncoh.isEmpty();

  const markedToW = Relation.cross(s.Marked, W);
  const wToMarked = Relation.cross(W, s.Marked);
  const wwNonrace = wwVis.inter(markedToW.union(rwXbstar)).inter(wToMarked.union(wrVis));
  const wwRace = preRace.inter(c.co).minus(wwNonrace);
  const wrRace = preRace.inter(c.co.opt().seq(c.rf)).minus(wrVis).minus(rwXbstar.inverse());
  const rwRace = preRace.inter(c.fr).minus(rwXbstar);
  const races = wwRace.union(wrRace, rwRace);
  return { coherent, dataRace: !races.isEmpty(), races: races.isEmpty() ? [] : races.pairs() };
}
