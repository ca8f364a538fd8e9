import type { BinaryOp, Expr } from './ast.js';
import type { SourcePos } from './litmus-error.js';

// C's precedence of the binary operators a litmus test may use, highest first; all of them
// associate to the left.
const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  '*': 10, '/': 10, '%': 10,
  '+': 9, '-': 9,
  '<': 8, '<=': 8, '>': 8, '>=': 8,
  '==': 7, '!=': 7,
  '&': 6,
  '^': 5,
  '|': 4,
  '&&': 3,
  '||': 2,
};

/** A binary operator where it was written. */
export interface Operator {
  readonly op: BinaryOp;
  readonly pos: SourcePos;
}

/**
 * The tree of `operands[0] operators[0] operands[1] ... operands[n]` by precedence climbing:
 * `a - b * c - d` is `(a - (b * c)) - d`; each binary node is placed at its operator.
 */
export function groupByPrecedence(operands: readonly Expr[], operators: readonly Operator[]): Expr {
  let next = 0;
  const climb = (least: number): Expr => {
    let left = operands[next]!;
    while (next < operators.length && PRECEDENCE[operators[next]!.op] >= least) {
      const { op, pos } = operators[next++]!;
      const right = climb(PRECEDENCE[op] + 1);
      left = { kind: 'binary', op, left, right, pos };
    }
    return left;
  };
  return climb(0);
}
