import { Counter } from '../primitives/counter.js';
import { Var } from '../primitives/var.js';
import type { SimObject } from '../sim-object.js';
import { primitiveKey } from './primitive-key.js';
import { serialize, type SerialContext } from './serialize.js';

const IDENTITY_FIELDS = new Set(['world', 'name', 'id', 'kind']);
/** A field name written as it is in an object's key (it holds no `=`, `;` or `:`). */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Per class, the fields seen holding cached steps (skipped without looking). */
const stepFields = new WeakMap<object, Set<string>>();

/** Every own field of a shared object but its identity and cached steps, serialised. */
export function objectKey(o: SimObject, cx: SerialContext): string {
  // A core variable or counter holds nothing but its value and version (and cached steps); core
  // locks, CPUs, SRCU, rwlocks and seqcounts are keyed by `primitiveKey`.
  if (o.constructor === Var || o.constructor === Counter) return `v=${serialize((o as Var<unknown>).value, cx, 0)}@${(o as Var<unknown>).version}`;
  const fast = primitiveKey(o, cx);
  if (fast !== undefined) return fast;
  const rec = o as unknown as Record<string, unknown>;
  const ctor = o.constructor;
  let skip = stepFields.get(ctor);
  if (!skip) {
    skip = new Set(IDENTITY_FIELDS);
    // A Var's value and version are read through its public API below.
    if (o instanceof Var) for (const f of ['current', 'version']) skip.add(f);
    stepFields.set(ctor, skip);
  }
  let out = '';
  for (const f of Object.keys(rec)) {
    if (skip.has(f)) continue;
    const v = rec[f];
    // Absent, null and undefined fields alike (lazily made caches come and go).
    if (v === null || v === undefined) continue;
    if (isStepLike(v)) {
      skip.add(f);
      continue;
    }
    // A name that is not an identifier is written length-prefixed, as serialize writes strings:
    // `a=1;b` = 2 must not read as a = 1 and b = 2.
    out += `${IDENTIFIER.test(f) ? f : serialize(f, cx, 0)}=${serialize(v, cx, 0)};`;
  }
  // Through the public API too, in case a field is not enumerable (`#private`).
  if (o instanceof Var) out += `v=${serialize(o.value, cx, 0)}@${o.version}`;
  else out += `d=${o.describe()}`;
  return out;
}

/** A step, a prepared `{ value: step, done: false }`, or an array of them: caches, not state. */
function isStepLike(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length > 0 && isStepLike(v[0]);
  const r = v as { label?: unknown; accesses?: unknown; done?: unknown; value?: unknown };
  if (typeof r.label === 'string' && Array.isArray(r.accesses)) return true;
  return r.done === false && isStepLike(r.value);
}
