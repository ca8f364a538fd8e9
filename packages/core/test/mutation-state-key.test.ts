import { describe, expect, it } from 'vitest';
import { Run, SimObject, Var, type AnyModel, type Thread, type World } from '../src/index.js';
import { StateSpace } from '../src/explore/state-space.js';
import { StateTracker } from '../src/explore/state-tracker.js';
import { tiny } from './fixtures/harness.js';

// Mutation-testing tests (issue #11): the state identity of the stateful search (state-key.ts):
// how ghost values, variables and queued IPIs are serialised, when a ghost change is noticed,
// unique states, hash buckets, and snapshot/restore.

/** A tracker following a fresh run of `m` after `schedule` (every tracker of a test shares `space`). */
function follow(space: StateSpace, m: { model: AnyModel; scenario: string[][] }, schedule: readonly number[] = []): StateTracker {
  const tracker = new StateTracker(space, new Run(m.model, new Set(), m.scenario));
  for (const t of schedule) tracker.step(t);
  return tracker;
}

/** The state key of a one-thread model whose ghost state is `{ g }`, before any step. */
function ghostKey(space: StateSpace, ghost: (w: World) => unknown): string {
  return follow(space, tiny((w) => ({ g: ghost(w) }), [function* (_s, t) { yield* t.step('a', {}); }])).key();
}

class Plain {
  a = 1;
}
class Other {
  a = 1;
}
/** A shared object of a model's own: its own fields are its state. */
class Box extends SimObject {
  declare readonly kind: string;
  declare content: unknown;
  constructor(w: World, content: unknown) {
    super(w, 'box');
    this.kind = 'box';
    this.content = content;
  }
  describe(): string {
    return 'box';
  }
}
class Tagged extends Var<number> {}

const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);

describe('ghost values', () => {
  it('each value has its own serialisation, and equal values the same one', () => {
    const space = new StateSpace();
    const values: Array<(w: World) => unknown> = [
      () => true, () => false, () => 1n, () => 2n, () => 0, () => -0, () => 1, () => 's', () => 'a', () => null, () => undefined,
      () => [1], () => [2], () => new Map([[1, 2]]), () => new Map([[1, 3]]), () => new Map([[2, 2]]), () => new Set([1]), () => new Set([2]),
      () => new Date(1), () => new Date(2), () => ({ a: 1 }), () => ({ a: 2 }), () => ({ b: 1 }), () => new Plain(), () => new Other(),
      () => Object.create(Object.create(null) as object) as unknown, () => ({ handler: 1, ticket: 5 }), () => ({ handler: 1, ticket: null }),
      (w) => (w.var('x', 0), w.var('y', 0)), (w) => (w.var('x', 0), w.var('y', 0), w.objects[0]), (w) => w,
    ];
    const keys = values.map((v) => ghostKey(space, v));
    expect(new Set(keys).size).toBe(values.length);
    // The same values again: the same states.
    expect(values.map((v) => ghostKey(space, v))).toEqual(keys);
    // A plain object is a plain object whatever its prototype (none, or Object's).
    expect(ghostKey(space, () => Object.create(null) as unknown)).toBe(ghostKey(space, () => ({})));
    // A class instance is not the plain object with its fields.
    expect(ghostKey(space, () => ({ a: 1 }))).not.toBe(ghostKey(space, () => new Plain()));
  });

  it('a value that cannot be serialised exactly makes every state unique', () => {
    const space = new StateSpace();
    const f = () => 1;
    const s = Symbol('s');
    expect(ghostKey(space, () => f)).not.toBe(ghostKey(space, () => f));
    expect(ghostKey(space, () => s)).not.toBe(ghostKey(space, () => s));
    expect(ghostKey(space, () => nested(80))).not.toBe(ghostKey(space, () => nested(80)));
    expect(ghostKey(space, () => nested(20))).toBe(ghostKey(space, () => nested(20)));
    // One tracker asked twice: two fresh identities.
    const tr = follow(space, tiny(() => ({ f }), [function* (_s, t) { yield* t.step('a', {}); }]));
    expect(tr.key()).not.toBe(tr.key());
  });

  it('a unique state never takes the identity of a real one', () => {
    const space = new StateSpace();
    const real = ghostKey(space, () => 1); // the first shared state of the space
    expect(ghostKey(space, () => () => 1)).not.toBe(real);
  });

  it('a change of a ghost value is noticed, whatever it changes', () => {
    // A step that changes the ghost state reaches another state than one that leaves it alone.
    const changes: Array<[string, (w: World) => unknown, (g: any, w: World) => unknown]> = [
      ['another shared object', (w) => [w.var('a', 0), w.var('b', 0)][0], (_g, w) => w.objects[w.objects.length - 1]],
      ['another class', () => ({ a: 1 }), () => new Plain()],
      ['a new field', () => ({}), (g) => Object.assign(g, { x: 1 })],
      ['a Map entry', () => new Map<number, number>(), (g) => g.set(1, 1)],
      ['a Set element', () => new Set<number>(), (g) => g.add(1)],
      ['a Date', () => new Date(1), (g) => (g.setTime(2), g)],
    ];
    for (const [what, initial, change] of changes) {
      const space = new StateSpace();
      const run = (mutate: boolean) =>
        follow(space, tiny((w) => ({ g: initial(w) as any, w }), [function* (s, t) { yield* t.step('change', {}); if (mutate) s.g = change(s.g, s.w); }]), [0]).key();
      expect(run(true), what).not.toBe(run(false));
    }
  });
});

describe('shared objects', () => {
  it('a variable holding an object is keyed by its contents, one holding a function is unique', () => {
    const space = new StateSpace();
    const holding = (v: () => unknown) => follow(space, tiny((w) => ({ v: w.var('v', v()) }), [function* (_s, t) { yield* t.step('a', {}); }])).key();
    expect(holding(() => ({ a: 1 }))).toBe(holding(() => ({ a: 1 })));
    expect(holding(() => ({ a: 1 }))).not.toBe(holding(() => ({ a: 2 })));
    const f = () => 1;
    expect(holding(() => f)).not.toBe(holding(() => f));
    const tr = follow(space, tiny((w) => ({ v: w.var('v', f) }), [function* (_s, t) { yield* t.step('a', {}); }]));
    expect(tr.key()).not.toBe(tr.key());
  });

  it("an object of the model's own is keyed by its fields; one holding a function is unique", () => {
    const space = new StateSpace();
    const box = (content: unknown) => follow(space, tiny((w) => ({ b: new Box(w, content) }), [function* (_s, t) { yield* t.step('a', {}); }])).key();
    expect(box(1)).toBe(box(1));
    expect(box(1)).not.toBe(box(2));
    const f = () => 1;
    expect(box(f)).not.toBe(box(f));
  });

  it('a subclass of Var is keyed by its value', () => {
    const space = new StateSpace();
    const tagged = (v: number) => follow(space, tiny((w) => ({ t: new Tagged(w, 't', v) }), [function* (_s, t) { yield* t.step('a', {}); }])).key();
    expect(tagged(1)).toBe(tagged(1));
    expect(tagged(1)).not.toBe(tagged(2));
  });

  it('an object made during a step is part of the state', () => {
    const space = new StateSpace();
    const making = (v: number) =>
      follow(space, tiny(() => ({ made: 0 }), [function* (s, t: Thread) { yield* t.step('make', {}); t.world.var('late', v); s.made = 1; }, function* (_s, t) { yield* t.step('b', {}); }]), [0]).key();
    expect(making(1)).toBe(making(1));
    expect(making(1)).not.toBe(making(2));
  });

  it('states in one hash bucket are still told apart', () => {
    // Two key lists that an additive hash of the old string-free table put in one bucket.
    const C = 0x9e3779b1;
    const h0 = Math.imul(5 ^ 0, C) | 0;
    const h1 = Math.imul(5 ^ 1, C) | 0;
    const a = [0, 0];
    const b = [1, h0 ^ h1];
    const space = new StateSpace();
    const id = (keys: number[]) => space.stateId(false, 5, keys, 0, [], undefined);
    const ia = id(a);
    const ib = id(b);
    expect(ib).not.toBe(ia);
    expect(id(a)).toBe(ia);
    expect(id(b)).toBe(ib);
  });
});

describe('thread records', () => {
  it('a thread that has not started is not a thread that has finished', () => {
    const space = new StateSpace();
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('a', {}); }]);
    expect(follow(space, m, [0]).key()).not.toBe(follow(space, m, [1]).key());
    expect(follow(space, m, [0, 1]).key()).toBe(follow(space, m, [1, 0]).key());
  });

  it('a thread that read a function is unique from then on', () => {
    const space = new StateSpace();
    const f = () => 1;
    const m = tiny((w) => ({ v: w.var<unknown>('v', f) }), [function* (s, t) { yield* s.v.read(); yield* t.step('b', {}); }, function* (s) { yield* s.v.write(0); }]);
    expect(follow(space, m, [0, 1]).key()).not.toBe(follow(space, m, [0, 1]).key());
  });

  it('refuses a step of a finished thread', () => {
    const tr = follow(new StateSpace(), tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }]), [0]);
    expect(() => tr.step(0)).toThrow('CPU0 has no step to take');
  });
});

describe('queued IPIs', () => {
  /**
   * CPU0 has interrupts off. CPU1 reads x and sends CPU0 an IPI whose handler keeps what it read,
   * then finishes; CPU2 writes x; CPU3 sends CPU0 an IPI too.
   */
  const ipis = tiny((w) => ({ x: w.var('x', 0), got: -1 }), [
    function* (_s, t: Thread) { yield* t.cpu.irqDisable(); yield* t.step('hold', {}); },
    function* (s, t: Thread) { const v = yield* s.x.read(); yield* t.world.cpus.sendIpi(() => { s.got = v; }, [0]); },
    function* (s) { yield* s.x.write(1); },
    function* (_s, t: Thread) { yield* t.world.cpus.sendIpi(() => {}, [0]); },
  ]);
  const readFirst = [0, 1, 1, 2];
  const writeFirst = [0, 2, 1, 1];

  it('a queued IPI is named by its sender at the sending step', () => {
    const space = new StateSpace();
    // The same schedule reaches the same state, though the handler is a function.
    expect(follow(space, ipis, readFirst).key()).toBe(follow(space, ipis, readFirst).key());
    // The sender has finished, but its IPI still carries what it read.
    expect(follow(space, ipis, readFirst).key()).not.toBe(follow(space, ipis, writeFirst).key());
    // A later IPI to the same CPU does not rename the first.
    expect(follow(space, ipis, [...readFirst, 3]).key()).not.toBe(follow(space, ipis, [...writeFirst, 3]).key());
  });

  it('a snapshot names the queued IPIs per CPU, and restoring it resumes the same identity', () => {
    const space = new StateSpace();
    const first = follow(space, ipis, readFirst);
    const snap = first.snapshot();
    expect(snap.tickets).toHaveLength(4);
    expect(snap.tickets[0]).toHaveLength(1);
    expect(snap.tickets[0]![0]).not.toBe('?');
    expect(snap.tickets.slice(1)).toEqual([[], [], []]);
    // A state without queued IPIs has none (the shared empty list was not written to).
    expect(follow(space, ipis, [0]).snapshot().tickets).toEqual([]);
    // The run replayed to the state, and a tracker resumed there, go on like the first.
    const run = new Run(ipis.model, new Set(), ipis.scenario);
    for (const t of readFirst) run.step(t);
    const resumed = new StateTracker(space, new Run(ipis.model, new Set(), ipis.scenario));
    resumed.restore(run, snap);
    expect(resumed.key()).toBe(first.key());
    first.step(3);
    resumed.step(3);
    expect(resumed.key()).toBe(first.key());
  });
});
