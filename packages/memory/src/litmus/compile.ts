import type { AtomValue, Expr, InitItem, LitmusAst, LocRef, Prop, Stmt, ThreadAst } from './ast.js';
import { LitmusError, type SourcePos } from './litmus-error.js';
import { arity, PRIMITIVES, returnsValue } from './primitives.js';
import type { CExpr, CProp, CStmt, LitmusTest, LocationInfo, LocationKind, Observed, ThreadProgram } from './program.js';
import { pointerTo } from '../exec/values.js';
import { formatProp } from './condition-text.js';

// From the syntax tree to the runnable form: every name resolved (a register of the thread, or a
// parameter naming a shared location), every call a known primitive with the right arguments.

class Locations {
  readonly infos: Array<{ name: string; kind: LocationKind; init: number }> = [];
  private readonly index = new Map<string, number>();

  get(name: string): number | undefined {
    return this.index.get(name);
  }

  ensure(name: string, kind: LocationKind = 'int'): number {
    const found = this.index.get(name);
    if (found !== undefined) {
      const info = this.infos[found]!;
      if (info.kind === 'int' && kind !== 'int') info.kind = kind;
      return found;
    }
    const i = this.infos.length;
    this.infos.push({ name, kind, init: 0 });
    this.index.set(name, i);
    return i;
  }
}

function kindOf(typeName: string | undefined, pointer: number, isParam: boolean): LocationKind {
  if (typeName === 'spinlock_t') return 'spinlock';
  if (typeName === 'struct srcu_struct') return 'srcu';
  if (typeName === 'atomic_t' || typeName === 'atomic_long_t') return 'atomic';
  // A parameter `int *x` names an int location; `int **p` one that holds a pointer.
  return pointer > (isParam ? 1 : 0) ? 'pointer' : 'int';
}

/** Compiles a parsed test; throws {@link LitmusError} at the first name or call it cannot resolve. */
export function compileLitmus(ast: LitmusAst, file: string, header: string): LitmusTest {
  const fail = (p: SourcePos, reason: string): never => {
    throw new LitmusError(file, p.line, p.col, reason);
  };
  const locs = new Locations();

  // Shared locations: the initial state, then every thread's parameters.
  const registerInits: InitItem[] = [];
  for (const item of ast.init) {
    if (item.thread !== null) registerInits.push(item);
    else locs.ensure(item.name, kindOf(item.type?.name, item.pointer, false));
  }
  for (const t of ast.threads) for (const p of t.params) locs.ensure(p.name, kindOf(p.type.name, p.pointer, true));
  const refs = [...ast.locations, ...propRefs(ast.condition), ...(ast.filter ? propRefs(ast.filter) : [])];
  for (const r of refs) if (r.kind === 'mem') locs.ensure(r.name);
  for (const v of [...propValues(ast.condition), ...(ast.filter ? propValues(ast.filter) : [])]) locs.ensure(v.name);

  const initValue = (e: Expr): number => {
    if (e.kind === 'num') return e.value;
    if (e.kind === 'unary' && e.op === '-' && e.arg.kind === 'num') return -e.arg.value;
    if (e.kind === 'unary' && e.op === '&' && e.arg.kind === 'name') return pointerTo(locs.ensure(e.arg.name));
    if (e.kind === 'name') return pointerTo(locs.ensure(e.name));
    if (e.kind === 'call' && e.callee === 'ATOMIC_INIT' && e.args.length === 1) return initValue(e.args[0]!);
    return fail(e.pos, 'expected a number, a location or ATOMIC_INIT(n) as an initial value');
  };
  for (const item of ast.init) {
    if (item.thread !== null || item.value === null) continue;
    locs.infos[locs.get(item.name)!]!.init = initValue(item.value);
  }

  ast.threads.forEach((t, i) => {
    if (t.id !== i) fail(t.pos, `threads must be P0, P1, ... in order: expected P${i} but found P${t.id}`);
  });
  const threads = ast.threads.map((t) =>
    compileThread(t, locs, registerInits.filter((r) => r.thread === t.id), initValue, fail),
  );
  for (const r of registerInits) if (r.thread! >= threads.length) fail(r.pos, `no thread P${r.thread}`);

  const mutableThreads = threads as Array<ThreadProgram & { registers: string[]; registerInit: number[] }>;
  const regIndex = (thread: number, name: string, p: SourcePos): number => {
    const t = mutableThreads[thread];
    if (!t) return fail(p, `no thread P${thread}`);
    let r = t.registers.indexOf(name);
    if (r < 0) {
      // herd shows a register no thread assigns as 0.
      r = t.registers.length;
      t.registers.push(name);
      t.registerInit.push(0);
    }
    return r;
  };
  const atomValue = (v: AtomValue): number => (v.kind === 'num' ? v.value : pointerTo(locs.get(v.name)!));
  const compileProp = (p: Prop): CProp => {
    switch (p.kind) {
      case 'atom':
        return p.loc.kind === 'reg'
          ? { k: 'reg', thread: p.loc.thread, r: regIndex(p.loc.thread, p.loc.name, p.loc.pos), v: atomValue(p.value) }
          : { k: 'mem', loc: locs.get(p.loc.name)!, v: atomValue(p.value) };
      case 'not':
        return { k: 'not', a: compileProp(p.arg) };
      case 'and':
      case 'or':
        return { k: p.kind, a: compileProp(p.left), b: compileProp(p.right) };
      case 'const':
        return { k: 'const', v: p.value };
    }
  };
  const condition = compileProp(ast.condition);
  const filter = ast.filter ? compileProp(ast.filter) : null;

  // The keys of a final state: the condition's and `locations`' registers first (by thread, then
  // name), then shared locations by name, as herd prints them.
  const observedMap = new Map<string, Observed>();
  for (const r of [...ast.locations, ...propRefs(ast.condition)]) {
    if (r.kind === 'reg') {
      const key = `${r.thread}:${r.name}`;
      observedMap.set(key, { k: 'reg', thread: r.thread, r: regIndex(r.thread, r.name, r.pos), key });
    } else {
      observedMap.set(r.name, { k: 'mem', loc: locs.get(r.name)!, key: r.name });
    }
  }
  const observed = [...observedMap.values()].sort(compareObserved);

  const locations: LocationInfo[] = locs.infos.map((l) => ({ ...l }));
  const names = locations.map((l) => l.name);
  return {
    name: ast.name,
    file,
    header,
    locations,
    threads,
    quantifier: ast.quantifier,
    condition,
    filter,
    observed,
    conditionText: `${ast.quantifier} (${formatProp(ast.condition, names)})`,
    ast,
  };
}

function compareObserved(a: Observed, b: Observed): number {
  if (a.k !== b.k) return a.k === 'reg' ? -1 : 1;
  if (a.k === 'reg' && b.k === 'reg' && a.thread !== b.thread) return a.thread - b.thread;
  const ka = a.k === 'reg' ? a.key.slice(a.key.indexOf(':') + 1) : a.key;
  const kb = b.k === 'reg' ? b.key.slice(b.key.indexOf(':') + 1) : b.key;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function propRefs(p: Prop): LocRef[] {
  switch (p.kind) {
    case 'atom':
      return [p.loc];
    case 'not':
      return propRefs(p.arg);
    case 'and':
    case 'or':
      return [...propRefs(p.left), ...propRefs(p.right)];
    case 'const':
      return [];
  }
}

function propValues(p: Prop): Array<{ name: string }> {
  switch (p.kind) {
    case 'atom':
      return p.value.kind === 'addr' ? [{ name: p.value.name }] : [];
    case 'not':
      return propValues(p.arg);
    case 'and':
    case 'or':
      return [...propValues(p.left), ...propValues(p.right)];
    case 'const':
      return [];
  }
}

function compileThread(
  t: ThreadAst,
  locs: Locations,
  registerInits: readonly InitItem[],
  initValue: (e: Expr) => number,
  fail: (p: SourcePos, reason: string) => never,
): ThreadProgram {
  const params = new Map<string, number>();
  for (const p of t.params) params.set(p.name, locs.get(p.name)!);
  const registers: string[] = [];
  const registerInit: number[] = [];
  const declare = (name: string, p: SourcePos): number => {
    if (params.has(name)) fail(p, `'${name}' is a parameter of P${t.id}: a register needs another name`);
    let r = registers.indexOf(name);
    if (r < 0) {
      r = registers.length;
      registers.push(name);
      registerInit.push(0);
    }
    return r;
  };
  for (const item of registerInits) registerInit[declare(item.name, item.pos)] = item.value ? initValue(item.value) : 0;
  // Every declaration in the body, first: C scopes are not needed in loop-free litmus code.
  const declareAll = (stmts: readonly Stmt[]): void => {
    for (const s of stmts) {
      if (s.kind === 'decl') declare(s.name, s.pos);
      else if (s.kind === 'block') declareAll(s.body);
      else if (s.kind === 'if') {
        declareAll(s.then);
        declareAll(s.otherwise);
      }
    }
  };
  declareAll(t.body);

  const expr = (e: Expr): CExpr => {
    switch (e.kind) {
      case 'num':
        return { k: 'const', v: e.value };
      case 'name': {
        const r = registers.indexOf(e.name);
        if (r >= 0) return { k: 'reg', r };
        const loc = params.get(e.name);
        if (loc !== undefined) return { k: 'const', v: pointerTo(loc) };
        if (locs.get(e.name) !== undefined) return fail(e.pos, `'${e.name}' is not a parameter of P${t.id}`);
        return fail(e.pos, `unknown name '${e.name}'`);
      }
      case 'unary':
        if (e.op === '*') return { k: 'deref', ptr: expr(e.arg) };
        if (e.op === '&') {
          if (e.arg.kind === 'unary' && e.arg.op === '*') return expr(e.arg.arg);
          return fail(e.pos, `'&' needs a parameter or '*pointer'`);
        }
        return { k: 'unary', op: e.op, a: expr(e.arg) };
      case 'binary':
        return { k: 'binary', op: e.op, a: expr(e.left), b: expr(e.right) };
      case 'call':
        return call(e);
    }
  };

  const call = (e: Extract<Expr, { kind: 'call' }>): CExpr => {
    const prim = PRIMITIVES.get(e.callee);
    if (!prim) {
      const loopy = /^(while|for|do)$/.test(e.callee);
      return fail(e.pos, loopy ? `'${e.callee}' is a loop: litmus tests have none (unbounded)` : `unknown primitive '${e.callee}'`);
    }
    const n = arity(prim);
    if (e.args.length !== n) fail(e.pos, `${e.callee} takes ${n} argument${n === 1 ? '' : 's'}, not ${e.args.length}`);
    const args = e.args.map((a) => a);
    // atomic_add(V, X) and friends take the value first; everything else the pointer first.
    if ((prim.op === 'atomic-noreturn' || prim.op === 'atomic-return' || prim.op === 'atomic-fetch') && n === 2) args.reverse();
    const compiled = args.map((a, i) => {
      if (i === 0 && (prim.op === 'load' || prim.op === 'store') && prim.target === 'lval') {
        if (a.kind !== 'unary' || a.op !== '*') return fail(a.pos, `${e.callee} needs '*pointer' as its first argument`);
        return expr(a.arg);
      }
      return expr(a);
    });
    return { k: 'call', name: e.callee, prim, args: compiled };
  };

  const value = (e: Expr): CExpr => {
    const c = expr(e);
    checkValues(c, e.pos);
    return c;
  };
  const checkValues = (c: CExpr, p: SourcePos): void => {
    if (c.k === 'call') {
      if (!returnsValue(c.prim)) fail(p, `${c.name}() gives no value`);
      c.args.forEach((a) => checkValues(a, p));
    } else if (c.k === 'unary') checkValues(c.a, p);
    else if (c.k === 'binary') {
      checkValues(c.a, p);
      checkValues(c.b, p);
    } else if (c.k === 'deref') checkValues(c.ptr, p);
  };

  const stmts = (list: readonly Stmt[]): CStmt[] => list.flatMap(stmt);
  const stmt = (s: Stmt): CStmt[] => {
    switch (s.kind) {
      case 'decl':
        return s.init ? [{ k: 'set', r: registers.indexOf(s.name), e: value(s.init) }] : [];
      case 'assign': {
        if (s.target.kind === 'name') {
          const r = registers.indexOf(s.target.name);
          if (r < 0) {
            if (params.has(s.target.name)) return fail(s.target.pos, `cannot assign to parameter '${s.target.name}': write '*${s.target.name} = ...'`);
            return fail(s.target.pos, `unknown name '${s.target.name}'`);
          }
          return [{ k: 'set', r, e: value(s.value) }];
        }
        if (s.target.kind === 'unary' && s.target.op === '*') return [{ k: 'store', ptr: value(s.target.arg), value: value(s.value) }];
        return fail(s.target.pos, 'cannot assign to this expression');
      }
      case 'expr': {
        const c = expr(s.expr);
        if (c.k === 'call') c.args.forEach((a) => checkValues(a, s.pos));
        else checkValues(c, s.pos);
        return [{ k: 'eval', e: c }];
      }
      case 'if':
        return [{ k: 'if', cond: value(s.cond), then: stmts(s.then), otherwise: stmts(s.otherwise) }];
      case 'block':
        return stmts(s.body);
    }
  };
  const body = stmts(t.body);
  return { id: t.id, registers, registerInit, body };
}
