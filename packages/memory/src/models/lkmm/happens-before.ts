import type { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';
import { ppo } from './ppo.js';
import { prop } from './propagation.js';
import { lkmmSets } from './sets.js';

// Happens-before (explanation.txt §20 THE HAPPENS-BEFORE RELATION: hb): preserved program order,
// reads from another CPU, and a write's propagation to its own CPU before another access there.
//   hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]      acyclic hb

export function hb(c: LkmmContext): Relation {
  return c.cached('hb', () => {
    const { Marked } = lkmmSets(c);
    const propInt = c.internal(prop(c)).withoutIdentity();
    return ppo(c).union(c.rfe, propInt).restrict(Marked, Marked);
  });
}

export function hbStar(c: LkmmContext): Relation {
  return c.cached('hb*', () => hb(c).star());
}
