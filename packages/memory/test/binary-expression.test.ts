import { describe, expect, it } from 'vitest';
import { checkLitmus, parseLitmus } from '../src/index.js';

// Expressions are read as a flat list of operands and operators and grouped by C precedence: each
// of these is computed by a thread and must give the value C gives it.
const CASES: ReadonlyArray<readonly [string, number]> = [
  ['1 + 2 * 3', 7],
  ['10 - 4 - 3', 3],
  ['2 * 3 % 4', 2],
  ['8 / 2 / 2', 2],
  ['2 * (3 + 4)', 14],
  ['1 + -2 * 3', -5],
  ['1 | 2 ^ 3 & 6', 1],
  ['6 & 3 == 3', 0],
  ['1 < 2 == 1', 1],
  ['5 >= 5 + 1', 0],
  ['0 || 1 && 0', 0],
  ['1 || 0 && 0', 1],
  ['3 - 1 - 1 == 1 && 2 + 2 * 2 == 6', 1],
  ['r1 + 1 * r1 - -r1', 3],
];

const program = (expr: string): string => `C expr\n{}\nP0(int *x)\n{\n\tint r0;\n\tint r1 = 1;\n\tr0 = ${expr};\n\tWRITE_ONCE(*x, r0);\n}\nexists (x=0)\n`;

describe('binary expressions', () => {
  it('group by C precedence, left to right within a level', () => {
    for (const [expr, value] of CASES) {
      const result = checkLitmus(parseLitmus(program(expr)), { memory: 'sc' });
      expect(result.states, expr).toEqual([{ x: String(value) }]);
    }
  });
});
