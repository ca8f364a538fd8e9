import { SimObject } from '../sim-object.js';
import { World } from '../world.js';

/**
 * A record of a model state's plain (ghost) value, to tell cheaply, after a step, whether the
 * ghost state may have changed (`sameAsTape`) before serialising it again. It is the value
 * flattened in walk order: a primitive or function as itself; a shared object (`SimObject`) as its
 * id, so the record still matches on a run replayed to the same state (same ids, other objects);
 * a `World` by reference; an array as its prototype, length and elements; any other object as its
 * prototype, own enumerable keys and their values. A value it cannot record exactly (a Map, a Set,
 * a Date, nesting deeper than `MAX_DEPTH`) makes the tape `unsure`: it never matches.
 *
 * `sameAsTape(v, tape)` holds only when `v` has, field by field, what the recorded value had, so
 * its serialisation is the same. A tape is never changed once made.
 */
export interface GhostTape {
  readonly items: readonly unknown[];
  readonly unsure: boolean;
}

const MAX_DEPTH = 64;
/** Markers of the tape (private objects: a recorded value is never one of them). */
const SHARED = { tape: 'shared' };
const WORLD = { tape: 'world' };
const ARRAY = { tape: 'array' };
const OBJECT = { tape: 'object' };

/** A tape that matches nothing (before the first record). */
export const NO_TAPE: GhostTape = { items: [], unsure: true };

/** Records `v`. */
export function ghostTape(v: unknown): GhostTape {
  const items: unknown[] = [];
  const sure = record(v, items, 0);
  return { items, unsure: !sure };
}

function record(v: unknown, items: unknown[], depth: number): boolean {
  if (v === null || typeof v !== 'object') {
    items.push(v);
    return true;
  }
  if (v instanceof SimObject) {
    items.push(SHARED, v.id);
    return true;
  }
  if (v instanceof World) {
    items.push(WORLD, v);
    return true;
  }
  if (depth >= MAX_DEPTH) return false;
  const d = depth + 1;
  if (Array.isArray(v)) {
    items.push(ARRAY, Object.getPrototypeOf(v), v.length);
    for (let i = 0; i < v.length; i++) if (!record(v[i], items, d)) return false;
    return true;
  }
  if (v instanceof Map || v instanceof Set || v instanceof Date) return false;
  const keys = Object.keys(v);
  items.push(OBJECT, Object.getPrototypeOf(v), keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    items.push(k);
    if (!record((v as Record<string, unknown>)[k], items, d)) return false;
  }
  return true;
}

/** Where `same` is in the tape. */
let at = 0;
/** True when `for...in` over a plain object lists exactly its own enumerable keys. */
let plainForIn = true;
const NO_FIELDS = {};

/** True when `v` has the value `tape` recorded (see `GhostTape`); false when unsure. */
export function sameAsTape(v: unknown, tape: GhostTape): boolean {
  if (tape.unsure) return false;
  // Stryker disable next-line BooleanLiteral: false only turns the for...in fast path off; the Object.keys path gives the same answers
  plainForIn = true;
  for (const _ in NO_FIELDS) plainForIn = false; // something made Object.prototype enumerable
  at = 0;
  const items = tape.items;
  return same(v, items) && at === items.length;
}

function same(v: unknown, items: readonly unknown[]): boolean {
  const t = items[at++];
  // Object.is, as the serialisation tells them: -0 is not 0, NaN is NaN.
  if (v === null || typeof v !== 'object') return Object.is(v, t);
  if (t === SHARED) return v instanceof SimObject && v.id === items[at++];
  if (t === WORLD) return v === items[at++];
  if (t === ARRAY) {
    if (!Array.isArray(v) || Object.getPrototypeOf(v) !== items[at] || v.length !== items[at + 1]) return false;
    at += 2;
    for (let i = 0; i < v.length; i++) if (!same(v[i], items)) return false;
    return true;
  }
  if (t !== OBJECT || Array.isArray(v) || v instanceof SimObject || v instanceof World) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  // Stryker disable next-line BooleanLiteral: true would leave `at` inside this record (prototype, count, keys unread); nothing after can use them up, so `at === items.length` fails anyway
  if (proto !== items[at]) return false;
  // Stryker disable next-line BlockStatement: without the fast path the Object.keys path below gives the same answer
  if ((proto === Object.prototype || proto === null) && plainForIn) {
    // A plain object: `for...in` lists `Object.keys(v)`, in order, without making the array.
    const count = items[at + 1] as number;
    at += 2;
    let n = 0;
    for (const k in v as Record<string, unknown>) {
      if (n === count || k !== items[at++]) return false;
      n++;
      if (!same((v as Record<string, unknown>)[k], items)) return false;
    }
    return n === count;
  }
  const keys = Object.keys(v);
  // Stryker disable next-line BooleanLiteral: as above, true leaves `at` inside the record and sameAsTape fails on `at === items.length`
  if (keys.length !== items[at + 1]) return false;
  at += 2;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    // Stryker disable next-line BooleanLiteral: as above, true leaves `at` inside the record and sameAsTape fails on `at === items.length`
    if (k !== items[at++]) return false;
    if (!same((v as Record<string, unknown>)[k], items)) return false;
  }
  return true;
}
