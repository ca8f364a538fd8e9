import type { CProp } from './program.js';

/** A final state as the condition sees it: registers per thread, memory per location. */
export interface FinalState {
  readonly registers: ReadonlyArray<readonly number[]>;
  memory(loc: number): number;
}

/** Whether `p` holds in `s`. */
export function holds(p: CProp, s: FinalState): boolean {
  switch (p.k) {
    case 'reg':
      return (s.registers[p.thread]?.[p.r] ?? 0) === p.v;
    case 'mem':
      return s.memory(p.loc) === p.v;
    case 'not':
      return !holds(p.a, s);
    case 'and':
      return holds(p.a, s) && holds(p.b, s);
    case 'or':
      return holds(p.a, s) || holds(p.b, s);
    case 'const':
      return p.v;
  }
}
