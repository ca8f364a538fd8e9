import type { CExpr, CStmt, ThreadProgram } from '../litmus/program.js';
import { orderingTag, type Ordering, type RmwFn } from '../litmus/primitives.js';
import { Kind, Tag } from './tags.js';
import type { ThreadTrace, TraceEvent } from './trace.js';
import { pointee } from './values.js';

// Runs one thread of a litmus test with the value of each read chosen by an oracle, recording its
// events and, for each value, the reads it came from (so addr, data and ctrl dependencies follow the
// registers, as herd computes them).

/** Chooses, at each choice point, one of `count` options. */
export interface Oracle {
  choose(count: number): number;
}

/** The values a read of each location may return, sorted. */
export type Domains = ReadonlyArray<readonly number[]>;

/** A run that cannot happen (a pointer that is not one was dereferenced). */
export class InfeasibleRun extends Error {}

interface Val {
  readonly v: number;
  /** Thread-local indices of the reads the value comes from. */
  readonly src: readonly number[];
}

const merge = (a: readonly number[], b: readonly number[]): readonly number[] => {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const s = new Set([...a, ...b]);
  return [...s].sort((x, y) => x - y);
};

const LOCK_TAKEN = 1;
const LOCK_FREE = 0;

function binary(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0 ? 0 : Math.trunc(a / b);
    case '%': return b === 0 ? 0 : a % b;
    case '&': return a & b;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&~': return a & ~b;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '&&': return a !== 0 && b !== 0 ? 1 : 0;
    case '||': return a !== 0 || b !== 0 ? 1 : 0;
  }
  throw new Error(`unknown operator ${op}`);
}

/** Runs `thread` once; the oracle picks each read's value from `domains` and each trylock's outcome. */
export function runThread(thread: ThreadProgram, domains: Domains, oracle: Oracle): ThreadTrace {
  const events: TraceEvent[] = [];
  const regs: Val[] = thread.registerInit.map((v) => ({ v, src: [] }));
  let ctrl: readonly number[] = [];

  const emit = (e: Omit<TraceEvent, 'ctrl' | 'choice'> & { choice?: number }): number => {
    // One property order for every event: the code that reads events sees one object shape.
    events.push({ kind: e.kind, loc: e.loc, value: e.value, tags: e.tags, addr: e.addr, data: e.data, ctrl, rmwRead: e.rmwRead, choice: e.choice ?? -1 });
    return events.length - 1;
  };
  const locOf = (p: Val): number => {
    const loc = pointee(p.v);
    if (loc < 0) throw new InfeasibleRun(`P${thread.id} dereferences ${p.v}, not a pointer`);
    return loc;
  };
  const read = (loc: number, tags: number, addr: readonly number[]): Val => {
    const domain = domains[loc]!;
    const choice = domain.length === 1 ? 0 : oracle.choose(domain.length);
    const v = domain[choice]!;
    const i = emit({ kind: Kind.R, loc, value: v, tags, addr, data: [], rmwRead: -1, choice });
    return { v, src: [i] };
  };
  const write = (loc: number, value: Val, tags: number, addr: readonly number[], rmwRead = -1, extraData: readonly number[] = []): void => {
    emit({ kind: Kind.W, loc, value: value.v, tags, addr, data: merge(value.src, extraData), rmwRead });
  };
  const fence = (tags: number, loc = -1): void => {
    emit({ kind: Kind.F, loc, value: 0, tags, addr: [], data: [], rmwRead: -1 });
  };

  /** A read-modify-write: the read, then the write of `next(old)` unless that is null (a failed cmpxchg). */
  const rmw = (
    ptr: Val,
    ordering: Ordering | 'NORETURN',
    next: (old: number) => Val | null,
  ): { old: Val; wrote: boolean } => {
    const loc = locOf(ptr);
    const tag = (ordering === 'NORETURN' ? Tag.NORETURN : orderingTag(ordering)) | Tag.RMW | Tag.LOCKED;
    const old = read(loc, tag, ptr.src);
    const r = events.length - 1;
    const nv = next(old.v);
    if (nv) write(loc, nv, tag, ptr.src, r);
    return { old, wrote: nv !== null };
  };

  const evaluate = (e: CExpr): Val => {
    switch (e.k) {
      case 'const':
        return { v: e.v, src: [] };
      case 'reg':
        return regs[e.r]!;
      case 'unary': {
        const a = evaluate(e.a);
        const v = e.op === '!' ? (a.v === 0 ? 1 : 0) : e.op === '-' ? -a.v : ~a.v;
        return { v, src: a.src };
      }
      case 'binary': {
        const a = evaluate(e.a);
        const b = evaluate(e.b);
        return { v: binary(e.op, a.v, b.v), src: merge(a.src, b.src) };
      }
      case 'deref': {
        const p = evaluate(e.ptr);
        return read(locOf(p), 0, p.src);
      }
      case 'call':
        return call(e);
    }
  };

  const call = (e: Extract<CExpr, { k: 'call' }>): Val => {
    const p = e.prim;
    const args = e.args.map(evaluate);
    const none: Val = { v: 0, src: [] };
    switch (p.op) {
      case 'load': {
        const ptr = args[0]!;
        return read(locOf(ptr), p.tag, ptr.src);
      }
      case 'store': {
        const ptr = args[0]!;
        write(locOf(ptr), args[1]!, p.tag, ptr.src);
        if (p.fenceAfter) fence(p.fenceAfter);
        return none;
      }
      case 'fence':
        fence(p.tag);
        return none;
      case 'atomic-noreturn': {
        const operand = p.constant !== undefined ? { v: p.constant, src: [] } : args[1]!;
        rmw(args[0]!, 'NORETURN', (old) => ({ v: binary(p.fn, old, operand.v), src: merge([events.length - 1], operand.src) }));
        return none;
      }
      case 'atomic-return':
      case 'atomic-fetch': {
        const operand = p.constant !== undefined ? { v: p.constant, src: [] } : args[1]!;
        let nv: Val | null = null;
        const { old } = rmw(args[0]!, p.ordering, (o) => {
          nv = { v: binary(p.fn as RmwFn, o, operand.v), src: merge([events.length - 1], operand.src) };
          return nv;
        });
        if (p.op === 'atomic-fetch') return old;
        const result = nv! as Val;
        if (p.op === 'atomic-return' && p.test) {
          const v = p.test === '==0' ? (result.v === 0 ? 1 : 0) : result.v < 0 ? 1 : 0;
          return { v, src: result.src };
        }
        return result;
      }
      case 'xchg':
        return rmw(args[0]!, p.ordering, () => args[1]!).old;
      case 'cmpxchg': {
        const expected = args[1]!;
        return rmw(args[0]!, p.ordering, (old) => (old === expected.v ? args[2]! : null)).old;
      }
      case 'lock': {
        const loc = locOf(args[0]!);
        const r = emit({ kind: Kind.R, loc, value: LOCK_FREE, tags: Tag.LKR | Tag.ACQUIRE | Tag.LOCKED, addr: args[0]!.src, data: [], rmwRead: -1 });
        emit({ kind: Kind.W, loc, value: LOCK_TAKEN, tags: Tag.LKW | Tag.LOCKED, addr: args[0]!.src, data: [], rmwRead: r });
        return none;
      }
      case 'unlock':
        emit({ kind: Kind.W, loc: locOf(args[0]!), value: LOCK_FREE, tags: Tag.UL | Tag.RELEASE, addr: args[0]!.src, data: [], rmwRead: -1 });
        return none;
      case 'trylock': {
        const loc = locOf(args[0]!);
        if (oracle.choose(2) === 0) {
          const r = emit({ kind: Kind.R, loc, value: LOCK_FREE, tags: Tag.LKR | Tag.ACQUIRE | Tag.LOCKED, addr: args[0]!.src, data: [], rmwRead: -1 });
          emit({ kind: Kind.W, loc, value: LOCK_TAKEN, tags: Tag.LKW | Tag.LOCKED, addr: args[0]!.src, data: [], rmwRead: r });
          return { v: 1, src: [r] };
        }
        const r = emit({ kind: Kind.R, loc, value: LOCK_TAKEN, tags: Tag.LF | Tag.LOCKED, addr: args[0]!.src, data: [], rmwRead: -1 });
        return { v: 0, src: [r] };
      }
      case 'srcu-lock': {
        const ptr = args[0]!;
        return read(locOf(ptr), Tag.SRCU_LOCK, ptr.src);
      }
      case 'srcu-unlock': {
        const ptr = args[0]!;
        write(locOf(ptr), args[1]!, Tag.SRCU_UNLOCK, ptr.src);
        return none;
      }
      case 'sync-srcu':
        fence(Tag.SYNC_SRCU, locOf(args[0]!));
        return none;
    }
  };

  const exec = (stmts: readonly CStmt[]): void => {
    for (const s of stmts) {
      switch (s.k) {
        case 'set':
          regs[s.r] = evaluate(s.e);
          break;
        case 'store': {
          const ptr = evaluate(s.ptr);
          const value = evaluate(s.value);
          write(locOf(ptr), value, 0, ptr.src);
          break;
        }
        case 'eval':
          evaluate(s.e);
          break;
        case 'if': {
          const c = evaluate(s.cond);
          const outer = ctrl;
          ctrl = merge(outer, c.src);
          exec(c.v !== 0 ? s.then : s.otherwise);
          ctrl = outer;
          break;
        }
      }
    }
  };

  exec(thread.body);
  const shape = events.map((e) => `${e.kind}.${e.loc}.${e.tags}.${e.addr.join(',')}.${e.data.join(',')}.${e.ctrl.join(',')}.${e.rmwRead}`).join(';');
  return { events, registers: regs.map((r) => r.v), shape };
}
