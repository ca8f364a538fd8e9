import type { SourcePos } from './litmus-error.js';

// The syntax tree of a C litmus test, as the parser builds it. Names are kept as written; the
// compiler (compile.ts) resolves them to locations, registers and primitives.

/** An expression of a thread body or of an initial value. */
export type Expr =
  | { readonly kind: 'num'; readonly value: number; readonly pos: SourcePos }
  | { readonly kind: 'name'; readonly name: string; readonly pos: SourcePos }
  | { readonly kind: 'unary'; readonly op: '!' | '-' | '~' | '*' | '&'; readonly arg: Expr; readonly pos: SourcePos }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr; readonly pos: SourcePos }
  | { readonly kind: 'call'; readonly callee: string; readonly args: readonly Expr[]; readonly pos: SourcePos };

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

/** A statement of a thread body. */
export type Stmt =
  | { readonly kind: 'decl'; readonly name: string; readonly pointer: number; readonly init: Expr | null; readonly pos: SourcePos }
  | { readonly kind: 'assign'; readonly target: Expr; readonly value: Expr; readonly pos: SourcePos }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly pos: SourcePos }
  | { readonly kind: 'if'; readonly cond: Expr; readonly then: readonly Stmt[]; readonly otherwise: readonly Stmt[]; readonly pos: SourcePos }
  | { readonly kind: 'block'; readonly body: readonly Stmt[]; readonly pos: SourcePos };

/** A C type as written before a declarator: `int`, `spinlock_t`, `struct srcu_struct`, `atomic_t`. */
export interface TypeName {
  readonly name: string;
  readonly pos: SourcePos;
}

/** One item of the `{ }` initial state: `int *p = &x;`, `x=1;`, `0:r1=x;`, `spinlock_t s;`. */
export interface InitItem {
  readonly type: TypeName | null;
  /** A thread number for `0:r1=...`, else null (a shared location). */
  readonly thread: number | null;
  readonly name: string;
  readonly pointer: number;
  readonly value: Expr | null;
  readonly pos: SourcePos;
}

/** A thread's parameter: `int *x`, `spinlock_t *s`, `struct srcu_struct *ss`. */
export interface Param {
  readonly type: TypeName;
  readonly name: string;
  readonly pointer: number;
  readonly pos: SourcePos;
}

export interface ThreadAst {
  readonly id: number;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly pos: SourcePos;
}

/** A proposition of the final clause (or of `filter`). */
export type Prop =
  | { readonly kind: 'atom'; readonly loc: LocRef; readonly value: AtomValue; readonly pos: SourcePos }
  | { readonly kind: 'not'; readonly arg: Prop; readonly pos: SourcePos }
  | { readonly kind: 'and' | 'or'; readonly left: Prop; readonly right: Prop; readonly pos: SourcePos }
  | { readonly kind: 'const'; readonly value: boolean; readonly pos: SourcePos };

/** `0:r0` or `x` (herd also writes `[x]`). */
export type LocRef =
  | { readonly kind: 'reg'; readonly thread: number; readonly name: string; readonly pos: SourcePos }
  | { readonly kind: 'mem'; readonly name: string; readonly pos: SourcePos };

/** A number, or a location's name (a pointer to it). */
export type AtomValue = { readonly kind: 'num'; readonly value: number } | { readonly kind: 'addr'; readonly name: string; readonly pos: SourcePos };

export type Quantifier = 'exists' | '~exists' | 'forall';

export interface LitmusAst {
  readonly name: string;
  /** Every comment before the initial state, as written (the header with `Result:` lines). */
  readonly header: string;
  readonly init: readonly InitItem[];
  readonly threads: readonly ThreadAst[];
  readonly locations: readonly LocRef[];
  readonly filter: Prop | null;
  readonly quantifier: Quantifier;
  readonly condition: Prop;
  readonly conditionPos: SourcePos;
}
