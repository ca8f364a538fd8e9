import { Cpu } from '../primitives/cpus.js';
import { Lock } from '../primitives/lock.js';
import { RwLock } from '../primitives/rwlock.js';
import { SeqCount } from '../primitives/seqcount.js';
import { Srcu } from '../primitives/srcu.js';
import type { SimObject } from '../sim-object.js';
import { serialize, type SerialContext } from './serialize.js';

/**
 * The key of a core lock, CPU, SRCU, rwlock or seqcount: a lock's is `L<holder>`, the others' are
 * as `objectKey`'s general case would make them (the same fields, in the same order, serialised the same way: so the same states are told
 * apart), without listing its fields and describing it. Only for instances of exactly those
 * classes whose fields are the ones known here (checked on the first instance of each class):
 * otherwise undefined and the general case runs.
 */
export function primitiveKey(o: SimObject, cx: SerialContext): string | undefined {
  const ctor = o.constructor;
  // A core lock holds nothing but its holder.
  if (ctor === Lock) return knownShape(o, LOCK_FIELDS) ? `L${(o as Lock).holder}` : undefined;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an instance this skips goes to objectKey's general case, which gives the same key
  if (ctor === Cpu) {
    if (!knownShape(o, CPU_FIELDS)) return undefined;
    const r = o as unknown as { tid: number; state: string; pendingIpis: unknown };
    let out = `tid=${serialize(r.tid, cx, 0)};state=${serialize(r.state, cx, 0)};`;
    if (r.pendingIpis !== null && r.pendingIpis !== undefined) out += `pendingIpis=${serialize(r.pendingIpis, cx, 0)};`;
    return `${out}d=${r.state}`;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an instance this skips goes to objectKey's general case, which gives the same key
  if (ctor === Srcu) {
    if (!knownShape(o, SRCU_FIELDS)) return undefined;
    const r = o as unknown as { depth: unknown; ended: unknown };
    return `depth=${serialize(r.depth, cx, 0)};ended=${serialize(r.ended, cx, 0)};d=${o.describe()}`;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an instance this skips goes to objectKey's general case, which gives the same key
  if (ctor === RwLock) {
    if (!knownShape(o, RWLOCK_FIELDS)) return undefined;
    const r = o as unknown as { writer: number; readHolds: unknown; readers: number };
    return `writer=${serialize(r.writer, cx, 0)};readHolds=${serialize(r.readHolds, cx, 0)};readers=${serialize(r.readers, cx, 0)};d=${o.describe()}`;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an instance this skips goes to objectKey's general case, which gives the same key
  if (ctor === SeqCount) {
    if (!knownShape(o, SEQCOUNT_FIELDS)) return undefined;
    const r = o as unknown as { sequence: number };
    return `sequence=${serialize(r.sequence, cx, 0)};d=${o.describe()}`;
  }
  return undefined;
}

/** The fields, in order, of the core primitives `primitiveKey` knows (identity and cached steps included). */
const LOCK_FIELDS = ['world', 'name', 'id', 'flavour', 'kind', 'holder', 'acquireY', 'releaseY'];
const CPU_FIELDS = ['world', 'name', 'id', 'tid', 'kind', 'state', 'pendingIpis', 'steps'];
const SRCU_FIELDS = ['world', 'name', 'id', 'kind', 'depth', 'ended', 'lockYield', 'unlockYield', 'snapshot'];
const RWLOCK_FIELDS = ['world', 'name', 'id', 'kind', 'writer', 'readHolds', 'readers', 'steps'];
const SEQCOUNT_FIELDS = ['world', 'name', 'id', 'kind', 'sequence', 'steps'];

/** Per class, whether its first instance had exactly the expected own fields, in order. */
const shapes = new Map<unknown, boolean>();

function knownShape(o: SimObject, fields: readonly string[]): boolean {
  let ok = shapes.get(o.constructor);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shape checked again, or never trusted, only sends instances to the general case (the same key)
  if (ok === undefined) {
    const keys = Object.keys(o);
    ok = keys.length === fields.length && keys.every((k, i) => k === fields[i]);
    shapes.set(o.constructor, ok);
  }
  return ok;
}
