import { describe, expect, it } from 'vitest';
import { FootprintObserver, Run, type Var, type World } from '../src/index.js';
import { GHOST_ID, hasStateInvariants, VISIBLE_ID, writesObjectOf } from '../src/explore/footprint.js';
import { recordInvariantReads } from '../src/explore/visibility.js';
import { tiny } from './fixtures/harness.js';

// Mutation-testing tests (issue #11): the exact footprint `FootprintObserver.step` returns (each
// access once: a generous footprint is still sound, so only exact lists catch extra entries).

const none = new Set<string>();
const read = (o: { id: number }) => o.id * 2;
const write = (o: { id: number }) => o.id * 2 + 1;
const GHOST = GHOST_ID * 2 + 1;

type S = { x: Var<number>; y: Var<number>; n: number; box: { k: number } | null; maybe: number | null };
const setup = (w: import('../src/index.js').World): S => ({ x: w.var('x', 0), y: w.var('y', 0), n: 0, box: { k: 0 }, maybe: null });

/** Steps thread `tid` of a fresh run of `programs` (thread 0 first) and returns each footprint. */
function footprints(programs: Parameters<typeof tiny<S>>[1], schedule: number[]) {
  const m = tiny(setup, programs);
  const run = new Run(m.model, none, m.scenario);
  const obs = new FootprintObserver();
  return { s: run.state as S, run, fps: schedule.map((t) => obs.step(run, t)) };
}

describe('FootprintObserver', () => {
  it('a declared step that changes nothing else: its declared accesses only', () => {
    const { s, fps } = footprints([function* (s, t) { yield* t.step('rw', { reads: [s.x], writes: [s.y] }); s.y.value = 1; yield* t.step('next', {}); }], [0]);
    expect(fps[0]).toEqual([read(s.x), write(s.y)]);
  });

  it('an undeclared write is added once, after the declared accesses', () => {
    const { s, fps } = footprints([function* (s, t) { yield* t.step('touch', { reads: [s.x] }); s.x.value = 5; s.x.value = 6; yield* t.step('next', {}); }], [0]);
    expect(fps[0]).toEqual([read(s.x), write(s.x)]);
  });

  it("a thread that finishes writes its own CPU; one that goes on does not", () => {
    const { run, fps } = footprints([function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); }], [0, 0]);
    expect(fps[0]).toEqual([]);
    expect(fps[1]).toEqual([write(run.world.cpu(0))]);
  });

  it('a blocking next step adds reads of what it waits on, unless the step already touches it', () => {
    const { s, fps } = footprints([
      function* (s, t) { yield* t.step('write x', { writes: [s.x] }); s.x.value = 1; yield* t.awaitChange('wait x or y', [s.x, s.y]); },
      function* (s, t) { yield* t.step('read y', { reads: [s.y] }); yield* t.awaitChange('wait y', [s.y]); },
    ], [0, 1]);
    expect(fps[0]).toEqual([write(s.x), read(s.y)]);
    expect(fps[1]).toEqual([read(s.y)]);
  });

  it('a ghost field that changes value writes the ghost state, an object field changed inside or replaced too; an equal value does not', () => {
    // (A ghost object changed in place, such as a list of what readers saw, is ghost state an
    // invariant can read: issue 24, the seqcount reader's torn pair.)
    const { fps } = footprints([
      function* (s, t) { yield* t.step('count', {}); s.n++; yield* t.step('null to 0', {}); s.maybe = 0; yield* t.step('next', {}); },
      function* (s, t) { yield* t.step('inside', {}); s.box!.k++; yield* t.step('replace', {}); s.box = { k: 9 }; yield* t.step('same', {}); s.n = 1; yield* t.step('equal box', {}); s.box = { k: 9 }; yield* t.step('next', {}); },
    ], [0, 0, 1, 1, 1, 1]);
    expect(fps).toEqual([[GHOST], [GHOST], [GHOST], [GHOST], [], []]);
  });

  it('a model state that is null has no ghost fields', () => {
    const m = tiny(() => null, [function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); }]);
    const run = new Run(m.model, none, m.scenario);
    expect(new FootprintObserver().step(run, 0)).toEqual([]);
  });

  it('a model has state invariants when any invariant is checked after every step', () => {
    const inv = (at?: 'always' | 'end') => ({ ...(at ? { at } : {}) });
    expect(hasStateInvariants({ invariants: [inv('end'), inv()] })).toBe(true);
    expect(hasStateInvariants({ invariants: [inv('always'), inv('end')] })).toBe(true);
    expect(hasStateInvariants({ invariants: [inv('end')] })).toBe(false);
    expect(hasStateInvariants({ invariants: [] })).toBe(false);
  });
});

describe('writesObjectOf', () => {
  it('only a write of a shared object the other footprint touches counts, not the pseudo-objects', () => {
    expect(writesObjectOf([write({ id: 3 })], [read({ id: 3 })])).toBe(true);
    expect(writesObjectOf([read({ id: 3 })], [read({ id: 3 }), write({ id: 3 })])).toBe(false);
    expect(writesObjectOf([write({ id: 3 })], [read({ id: 4 })])).toBe(false);
    expect(writesObjectOf([GHOST], [GHOST_ID * 2])).toBe(false);
    expect(writesObjectOf([VISIBLE_ID * 2 + 1], [VISIBLE_ID * 2 + 1])).toBe(false);
  });
});

describe('recordInvariantReads', () => {
  class Totals {
    constructor(readonly x: Var<number>, readonly y: Var<number>) {}
    get sum(): number {
      return this.x.value + this.y.value;
    }
  }

  /** What the invariants of a one-thread model over `setup`'s state read, in id order. */
  function reads<S>(setup: (w: World) => S, invariants: NonNullable<Parameters<typeof tiny<S>>[2]>['invariants']) {
    const m = tiny(setup, [function* (_s, t) { yield* t.step('a', {}); }], { invariants });
    const run = new Run(m.model, none, m.scenario);
    const into = new Set<number>();
    const grew = recordInvariantReads(m.model, run.state, into);
    return { s: run.state as S, grew, ids: [...into].sort((a, b) => a - b), again: recordInvariantReads(m.model, run.state, into) };
  }

  it('sees reads through getters and through what methods of built-ins return', () => {
    const r = reads((w) => ({ t: new Totals(w.var('x', 0), w.var('y', 0)), z: w.var('z', 0), counts: new Map([['k', 1]]) }), [
      { name: 'sum', description: 'through a getter', check: (s) => s.t.sum >= 0 },
      { name: 'map', description: 'a Map get, then a variable', check: (s) => (s.counts.get('k') ?? 0) + s.z.value >= 0 },
    ]);
    // The getter's result is a plain value read from a field of the state: a ghost read too.
    expect(r.ids).toEqual([r.s.t.x.id, r.s.t.y.id, r.s.z.id, GHOST_ID].sort((a, b) => a - b));
    expect(r.grew).toBe(true);
    expect(r.again).toBe(false); // nothing new the second time
  });

  it('a plain field is a ghost read, array elements too; symbol keys, end invariants and unmet conditions are not', () => {
    const key = Symbol('k');
    expect(reads(() => ({ n: 0 }), [{ name: 'n', description: 'ghost', check: (s) => s.n >= 0 }]).ids).toEqual([GHOST_ID]);
    // A null field is a plain value too, and a built-in method may return null.
    expect(reads(() => ({ m: null as number | null }), [{ name: 'm', description: 'null', check: (s) => s.m === null }]).ids).toEqual([GHOST_ID]);
    const viaNull = reads((w) => ({ nulls: new Map<string, null>([['k', null]]), z: w.var('z', 0) }), [{ name: 'z', description: 'after a null', check: (s) => s.nulls.get('k') === null && s.z.value >= 0 }]);
    expect(viaNull.ids).toEqual([viaNull.s.z.id]);
    expect(reads(() => ({ list: [1, 2] }), [{ name: 'list', description: 'array elements', check: (s) => s.list[0]! + s.list.length >= 0 }]).ids).toEqual([GHOST_ID]);
    const quiet = reads((w) => ({ [key]: 3, e: w.var('e', 0), c: w.var('c', 0) }), [
      { name: 'symbol', description: 'a symbol key', check: (s) => s[key] >= 0 },
      { name: 'end', description: 'only at the end', at: 'end', check: (s) => s.e.value >= 0 },
      { name: 'when', description: 'never applies', when: () => false, check: (s) => s.c.value >= 0 },
    ]);
    expect(quiet.ids).toEqual([]);
    expect(quiet.grew).toBe(false);
  });
});
