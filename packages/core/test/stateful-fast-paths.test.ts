import { describe, expect, it } from 'vitest';
import { Cpu, Lock, Run, RwLock, SeqCount, Srcu, World, type AnyModel } from '../src/index.js';
import { ghostTape, NO_TAPE, sameAsTape } from '../src/explore/ghost-tape.js';
import { OpLog, trackedModel } from '../src/explore/op-log.js';
import { StateSpace } from '../src/explore/state-space.js';
import { StateTracker } from '../src/explore/state-tracker.js';
import { TupleTable } from '../src/explore/tuple-table.js';
import { tiny } from './fixtures/harness.js';

// The pieces that make the stateful search cheaper (issue #9): integer tuples instead of string
// keys, a flat record of the ghost state, replays without the checks already made.

function tuple(t: TupleTable, xs: readonly number[]): number {
  t.clear();
  for (const x of xs) t.push(x);
  return t.intern();
}

describe('TupleTable', () => {
  it('gives equal tuples one id and different ones (other values, lengths, orders) different ids', () => {
    const t = new TupleTable();
    const a = tuple(t, [1, 2, 3]);
    expect(tuple(t, [1, 2, 3])).toBe(a);
    const others = [[1, 2], [1, 2, 3, 0], [3, 2, 1], [], [0], [-1, 2, 3], [1, 2, -0x40000000]].map((xs) => tuple(t, xs));
    expect(new Set([a, ...others]).size).toBe(others.length + 1);
    expect(tuple(t, [])).toBe(others[3]);
    t.clear();
    t.pushAll([1, 2]);
    t.push(3);
    expect(t.intern()).toBe(a);
  });

  it('stays exact as it grows (many tuples, long ones)', () => {
    const t = new TupleTable();
    const ids = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const xs = [i % 7, i, -i, ...Array.from({ length: i % 90 }, (_, k) => k * i)];
      const id = tuple(t, xs);
      expect(ids.has(xs.join())).toBe(false);
      ids.set(xs.join(), id);
    }
    expect(t.size).toBe(5000);
    for (let i = 0; i < 5000; i += 97) {
      const xs = [i % 7, i, -i, ...Array.from({ length: i % 90 }, (_, k) => k * i)];
      expect(tuple(t, xs)).toBe(ids.get(xs.join()));
    }
  });
});

describe('ghost tape', () => {
  it('matches the value it recorded and nothing else', () => {
    const w = new World(2, new Set());
    const x = w.var('x', 0);
    const state = { x, done: [false, false], n: 1, nested: { s: 'a', nan: Number.NaN, u: undefined as unknown } };
    const tape = ghostTape(state);
    expect(sameAsTape(state, tape)).toBe(true);
    expect(sameAsTape(structuredClone({ ...state, x: 0 }), tape)).toBe(false);
    state.done[1] = true;
    expect(sameAsTape(state, tape)).toBe(false);
    state.done[1] = false;
    expect(sameAsTape(state, tape)).toBe(true);
    state.nested.u = null;
    expect(sameAsTape(state, tape)).toBe(false);
    state.nested.u = undefined;
    (state as Record<string, unknown>).extra = undefined;
    expect(sameAsTape(state, tape)).toBe(false);
    delete (state as Record<string, unknown>).extra;
    state.done.push(false);
    expect(sameAsTape(state, tape)).toBe(false);
    state.done.pop();
    expect(sameAsTape(state, tape)).toBe(true);
    expect(sameAsTape({ n: 1, x, done: [false, false], nested: state.nested }, tape)).toBe(false); // key order
    expect(sameAsTape(state, NO_TAPE)).toBe(false);
  });

  it('names shared objects by id (a replayed run has other objects with the same ids)', () => {
    const mk = () => {
      const w = new World(2, new Set());
      return { a: w.var('a', 0), b: w.var('b', 0) };
    };
    const first = mk();
    const tape = ghostTape({ v: first.a });
    expect(sameAsTape({ v: mk().a }, tape)).toBe(true);
    expect(sameAsTape({ v: mk().b }, tape)).toBe(false);
    expect(sameAsTape({ v: { id: first.a.id } }, tape)).toBe(false);
  });

  it('is unsure of what it cannot record exactly, and of class instances told apart by prototype', () => {
    expect(sameAsTape({ m: new Map() }, ghostTape({ m: new Map() }))).toBe(false);
    class P {
      f = 1;
    }
    const p = ghostTape({ p: new P() });
    expect(sameAsTape({ p: new P() }, p)).toBe(true);
    expect(sameAsTape({ p: { f: 1 } }, p)).toBe(false);
    let deep: unknown = 0;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(sameAsTape(deep, ghostTape(deep))).toBe(false);
  });
});

describe('state keys of core primitives', () => {
  it('tell apart exactly the states the general serialisation tells apart', () => {
    const m = tiny(
      (w) => ({ r: new RwLock(w, 'r'), q: new SeqCount(w, 'q'), s: new Srcu(w, 's'), l: new Lock(w, 'l') }),
      [
        function* (s) {
          yield* s.r.readLock();
          yield* s.q.writeBegin();
          yield* s.s.readLock();
          yield* s.q.writeEnd();
          yield* s.s.readUnlock();
          yield* s.r.readUnlock();
        },
        function* (s) {
          yield* s.r.writeLock();
          yield* s.r.writeUnlock();
        },
      ],
    );
    const space = new StateSpace();
    const key = (schedule: number[]): string => {
      const log = new OpLog();
      const tracker = new StateTracker(space, new Run(trackedModel(m.model, log), new Set(), m.scenario), log);
      for (const t of schedule) tracker.step(t);
      return tracker.key();
    };
    const keys = [[], [0], [0, 0], [0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [1], [1, 1]].map(key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(key([0, 0, 0, 0, 0, 0, 1, 1])).toBe(key([0, 0, 0, 0, 0, 0, 1, 1]));
    expect(new World(1, new Set()).cpu(0)).toBeInstanceOf(Cpu);
  });
});

describe('Run.replayStep', () => {
  it('reaches the state `step` reaches, without the checks', () => {
    let checks = 0;
    const m = tiny((w) => ({ x: w.var('x', 0) }), [
      function* (s) {
        yield* s.x.write(1);
        yield* s.x.write(2);
      },
      function* (s) {
        yield* s.x.update((v) => v + 10);
      },
    ]);
    const model: AnyModel = { ...m.model, invariants: [{ name: 'count', description: 'counts its checks', check: () => (checks++, true) }] };
    const a = new Run(model, new Set(), m.scenario);
    const b = new Run(model, new Set(), m.scenario);
    for (const t of [0, 1]) a.step(t);
    const checked = checks;
    for (const t of [0, 1]) b.replayStep(t);
    expect(checks).toBe(checked);
    expect((b.state as { x: { value: number } }).x.value).toBe((a.state as { x: { value: number } }).x.value);
    expect(b.schedule).toEqual(a.schedule);
    expect(b.lastThread).toBe(1);
    b.replayStep(0);
    expect(b.outcome?.kind).toBe('ok'); // the last step still ends the run
  });
});
