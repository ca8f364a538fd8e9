import { SimObject } from '../sim-object.js';
import { World } from '../world.js';

/** What a serialisation carries along (see `serialize`). */
export interface SerialContext {
  /** Set when something could not be serialised exactly. */
  unique: boolean;
  tickets: WeakMap<object, string>;
  /** The step in progress (its thread, and that thread's records, continued and new): it names IPIs first seen now. */
  stampTid: number;
  stampContinued: number;
  stampHist: number;
}

const MAX_DEPTH = 64;
const ID_STRINGS: string[] = [];

/**
 * An exact serialisation of a value: shared objects by id, IPI queue entries by their sender's
 * step, everything else structurally (class name, own fields, Map/Set in insertion order).
 */
export function serialize(v: unknown, cx: SerialContext, depth: number): string {
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? '-0' : `${v}`;
    case 'string':
      return `s${v.length}:${v}`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'bigint':
      return `n${v}`;
    case 'symbol':
    case 'function':
      cx.unique = true;
      return '?';
  }
  if (v === null) return 'N';
  if (v instanceof SimObject) return (ID_STRINGS[v.id] ??= `#${v.id}`);
  if (v instanceof World) return 'W';
  if (depth > MAX_DEPTH) {
    cx.unique = true;
    return '?';
  }
  const d = depth + 1;
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += `${serialize(v[i], cx, d)},`;
    return `${out}]`;
  }
  if (v instanceof Map) {
    let out = 'M{';
    for (const [k, x] of v) out += `${serialize(k, cx, d)}:${serialize(x, cx, d)},`;
    return `${out}}`;
  }
  if (v instanceof Set) {
    let out = 'S{';
    for (const x of v) out += `${serialize(x, cx, d)},`;
    return `${out}}`;
  }
  if (v instanceof Date) return `D${v.getTime()}`;
  const rec = v as Record<string, unknown>;
  // A queued IPI: its handler closes over the sender's locals, named by the sending step.
  if ('handler' in rec && 'ticket' in rec && typeof rec.ticket === 'object' && rec.ticket !== null) {
    const ticket = rec.ticket as object;
    let name = cx.tickets.get(ticket);
    if (name === undefined) {
      name = `${cx.stampTid}:${cx.stampContinued}:${cx.stampHist}`;
      cx.tickets.set(ticket, name);
    }
    return `Q${name}`;
  }
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  let out = `${proto === Object.prototype || proto === null ? '' : (proto.constructor?.name ?? '?')}{`;
  // Keys serialised as strings (length-prefixed): `{a: 0, b: 1}` and `{'a:0,b': 1}` differ.
  for (const k of Object.keys(rec)) out += `${serialize(k, cx, d)}:${serialize(rec[k], cx, d)},`;
  return `${out}}`;
}
