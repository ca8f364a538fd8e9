import type { LitmusAst, Quantifier } from './ast.js';
import type { Primitive, RmwFn } from './primitives.js';
import type { BinaryOp } from './ast.js';

// A litmus test compiled for running: names resolved to locations and registers, calls to
// primitives. The thread runner (exec/run-thread.ts) interprets this form.

export type LocationKind = 'int' | 'pointer' | 'spinlock' | 'srcu' | 'atomic';

export interface LocationInfo {
  readonly name: string;
  readonly kind: LocationKind;
  /** The initial value (a number, or a pointer value from exec/values.ts). */
  readonly init: number;
}

export type CExpr =
  | { readonly k: 'const'; readonly v: number }
  | { readonly k: 'reg'; readonly r: number }
  | { readonly k: 'unary'; readonly op: '!' | '-' | '~'; readonly a: CExpr }
  | { readonly k: 'binary'; readonly op: BinaryOp; readonly a: CExpr; readonly b: CExpr }
  /** A plain load `*e`. */
  | { readonly k: 'deref'; readonly ptr: CExpr }
  /** A primitive call; `args` are the pointer (for `lval` forms, the pointer inside `*e`) then the values. */
  | { readonly k: 'call'; readonly name: string; readonly prim: Primitive; readonly args: readonly CExpr[] };

export type CStmt =
  | { readonly k: 'set'; readonly r: number; readonly e: CExpr }
  /** A plain store `*ptr = value`. */
  | { readonly k: 'store'; readonly ptr: CExpr; readonly value: CExpr }
  | { readonly k: 'eval'; readonly e: CExpr }
  | { readonly k: 'if'; readonly cond: CExpr; readonly then: readonly CStmt[]; readonly otherwise: readonly CStmt[] };

export interface ThreadProgram {
  readonly id: number;
  readonly registers: readonly string[];
  /** Initial register values (0 unless the init block sets `0:r1=...`). */
  readonly registerInit: readonly number[];
  readonly body: readonly CStmt[];
}

export type CProp =
  | { readonly k: 'reg'; readonly thread: number; readonly r: number; readonly v: number }
  | { readonly k: 'mem'; readonly loc: number; readonly v: number }
  | { readonly k: 'not'; readonly a: CProp }
  | { readonly k: 'and' | 'or'; readonly a: CProp; readonly b: CProp }
  | { readonly k: 'const'; readonly v: boolean };

/** A location of the final state: a register of a thread, or shared memory. */
export type Observed = { readonly k: 'reg'; readonly thread: number; readonly r: number; readonly key: string } | { readonly k: 'mem'; readonly loc: number; readonly key: string };

/** A parsed and compiled litmus test, ready for {@link checkLitmus}. */
export interface LitmusTest {
  readonly name: string;
  readonly file: string;
  /** The comments before the initial state: where `Result:` lines live. */
  readonly header: string;
  readonly locations: readonly LocationInfo[];
  readonly threads: readonly ThreadProgram[];
  readonly quantifier: Quantifier;
  readonly condition: CProp;
  readonly filter: CProp | null;
  /** The final-state keys herd shows: the condition's and `locations`' registers and locations, in herd's order. */
  readonly observed: readonly Observed[];
  /** The clause as written, normalised: `exists (0:r0=0 /\ 1:r0=0)`. */
  readonly conditionText: string;
  readonly ast: LitmusAst;
}

export type { RmwFn };
