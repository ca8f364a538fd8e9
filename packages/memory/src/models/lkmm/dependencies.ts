import { Tag } from '../../exec/tags.js';
import type { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';

// Dependencies (explanation.txt §9 DEPENDENCY RELATIONS: data, addr, and ctrl). The runner
// records which reads feed an access's address (addr), a write's value (data) and an enclosing
// `if` (ctrl), through registers. The LKMM also carries them through a plain store and the load
// that reads it back on the same CPU (a register spilled to the stack):
//   carry-dep = (data ; [~Srcu-unlock] ; rfi)*    addr = carry-dep ; addr   (same for data, ctrl).

export interface Dependencies {
  readonly addr: Relation;
  readonly data: Relation;
  readonly ctrl: Relation;
}

export function dependencies(c: LkmmContext): Dependencies {
  const sk = c.sk;
  const uncarried = c.staticRel('lkmm:deps', () => ({ addr: sk.addr, data: sk.data, ctrl: sk.ctrl }));
  // data ; [~Srcu-unlock] is value-independent: without it (no data dependency) nothing is carried.
  const dataKept = c.staticRel('lkmm:data-not-srcu-unlock', () => sk.data.toSet(sk.tagged(Tag.SRCU_UNLOCK).complement()));
  if (dataKept.isEmpty()) return uncarried;
  const step = dataKept.seq(c.rfi);
  if (step.isEmpty()) return uncarried;
  const carry = step.star();
  return { addr: carry.seq(sk.addr), data: carry.seq(sk.data), ctrl: carry.seq(sk.ctrl) };
}
