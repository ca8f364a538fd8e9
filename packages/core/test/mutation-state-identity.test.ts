import { describe, expect, it, vi } from 'vitest';
import { Cpu, Lock, Run, RwLock, SeqCount, SimObject, Srcu, Var, type AnyModel, type IpiTicket, type Thread, type World } from '../src/index.js';
import { FootprintObserver } from '../src/explore/footprint.js';
import { OpLog, trackedModel } from '../src/explore/op-log.js';
import { StateSpace } from '../src/explore/state-space.js';
import { StateTracker } from '../src/explore/state-tracker.js';
import { tiny } from './fixtures/harness.js';

// Mutation-testing tests (issue #11) of the state identity (state-key.ts), beside
// mutation-state-key.test.ts: what a thread's record holds (labels, observations, one-step results,
// operation marks), what makes two states equal or different, the fast keys of the core primitives
// against the general key, footprints against `FootprintObserver`, and snapshot/restore.

type TinyModel = { model: AnyModel; scenario: string[][] };

/** A tracker following a fresh run of `m` after `schedule` (`scenario` replaces the model's own). */
function follow(space: StateSpace, m: TinyModel, schedule: readonly number[] = [], scenario: string[][] = m.scenario): StateTracker {
  const tracker = new StateTracker(space, new Run(m.model, new Set(), scenario));
  for (const t of schedule) tracker.step(t);
  return tracker;
}

/** As `follow`, with the model's operation starts reported to an `OpLog` (as the stateful search runs it). */
function followOps(space: StateSpace, m: TinyModel, scenario: string[][], schedule: readonly number[] = []): StateTracker {
  const log = new OpLog();
  const tracker = new StateTracker(space, new Run(trackedModel(m.model, log), new Set(), scenario), log);
  for (const t of schedule) tracker.step(t);
  return tracker;
}

/** The key id of every object of a tracker's state, by object id. */
const keyIds = (tr: StateTracker): readonly number[] => tr.snapshot().keyIds;

/**
 * Follows `m` along two schedules (`follower` makes the trackers) that leave every shared object
 * the same, and checks that the states differ all the same: only a thread's record tells them apart.
 */
function onlyRecordsDiffer(space: StateSpace, m: TinyModel, a: number[], b: number[], follower = (sc: number[]) => follow(space, m, sc)): [StateTracker, StateTracker] {
  const ta = follower(a);
  const tb = follower(b);
  expect(keyIds(ta)).toEqual(keyIds(tb));
  expect(ta.key()).not.toBe(tb.key());
  return [ta, tb];
}

/** Every pair of the list differs. */
function allDifferent<T>(xs: readonly T[]): boolean {
  return new Set(xs).size === xs.length;
}

describe('thread records', () => {
  it('a short observation after a longer one is recorded as itself (no leftover of the longer one)', () => {
    // Thread 0 observes three variables, thread 1 nothing: the two orders commute.
    const m = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0), z: w.var('z', 0) }), [
      function* (s, t) { yield* t.step('wide', { reads: [s.x, s.y, s.z] }); yield* t.step('end', {}); },
      function* (_s, t) { yield* t.step('narrow', {}); yield* t.step('end', {}); },
    ]);
    const space = new StateSpace();
    expect(follow(space, m, [0, 1]).key()).toBe(follow(space, m, [1, 0]).key());
  });

  it("the label of each step taken is part of the thread's record", () => {
    // Two programs whose steps observe nothing: only the labels tell the records apart.
    const program = (label: string) => tiny(() => ({}), [function* (_s, t) { yield* t.step(label, {}); yield* t.step('end', {}); }]);
    const space = new StateSpace();
    const a = follow(space, program('a'), [0]).key();
    expect(follow(space, program('b'), [0]).key()).not.toBe(a);
    expect(follow(space, program('a'), [0]).key()).toBe(a);
  });

  it('a thread that finished is not a thread that has not started, from the first state on', () => {
    // In `ended` thread 1 has nothing to do: it is finished before any step; in `waiting` it has a step to take.
    const ended = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* () {}]);
    const waiting = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('b', {}); }]);
    const space = new StateSpace();
    expect(follow(space, ended).key()).not.toBe(follow(space, waiting).key());
    expect(follow(space, ended).key()).toBe(follow(space, ended).key());
  });

  it("the extra value of a state id is part of it, even 0", () => {
    const tr = follow(new StateSpace(), tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }]));
    const plain = tr.stateId();
    expect(tr.stateId(0)).not.toBe(plain);
    expect(tr.stateId(1)).not.toBe(tr.stateId(0));
    expect(tr.stateId(0)).toBe(tr.stateId(0));
    expect(tr.stateId()).toBe(plain);
    expect(tr.key()).toBe(String(plain));
  });

  it('an observation longer than the buffer is kept whole', () => {
    // One step reads 20 variables (41 integers); only the last one differs between the two states.
    const n = 20;
    const m = tiny((w) => ({ xs: Array.from({ length: n }, (_, i) => w.var(`x${i}`, 0)) }), [
      function* (s, t) { yield* t.step('look', { reads: s.xs }); yield* t.step('end', {}); },
      function* (s) { const last = s.xs[n - 1] as Var<number>; yield* last.write(1); yield* last.write(0); },
    ]);
    const space = new StateSpace();
    // Thread 0 saw the last variable at 0, or at 1: the variables end equal.
    const [sawZero] = onlyRecordsDiffer(space, m, [0, 1, 1], [1, 0, 1]);
    expect(follow(space, m, [0, 1, 1]).key()).toBe(sawZero.key());
  });
});

describe('operation marks', () => {
  /**
   * Thread 0 runs p0 (read x, then a step) and then p1 (two steps); thread 1 runs p2 (write x = 1).
   * p0's locals, which hold what it read, are gone once p1 starts.
   */
  const ops = tiny((w) => ({ x: w.var('x', 0) }), [
    function* (s, t) { yield* s.x.read(); yield* t.step('y', {}); },
    function* (_s, t) { yield* t.step('z', {}); yield* t.step('z2', {}); },
    function* (s) { yield* s.x.write(1); },
  ]);
  const scenario = [['p0', 'p1'], ['p2']];
  const readZero = [0, 1, 0];
  const readOne = [1, 0, 0];

  it('a record restarts when the thread starts another operation', () => {
    const space = new StateSpace();
    // Without operation marks the read value stays in thread 0's record...
    expect(follow(space, ops, readZero, scenario).key()).not.toBe(follow(space, ops, readOne, scenario).key());
    // ...with them, p1 has started in both and the states are the same.
    expect(followOps(space, ops, scenario, readZero).key()).toBe(followOps(space, ops, scenario, readOne).key());
    expect(followOps(space, ops, scenario, [...readZero, 0]).key()).toBe(followOps(space, ops, scenario, [...readOne, 0]).key());
  });

  it('a record restarts once: what the new operation observes next is kept', () => {
    // p0 takes one step; p1 reads x and goes on; thread 1 writes x = 1 and then x = 0.
    const m = tiny((w) => ({ x: w.var('x', 0) }), [
      function* (_s, t) { yield* t.step('a', {}); },
      function* (s, t) { yield* s.x.read(); yield* t.step('end', {}); yield* t.step('end2', {}); },
      function* (s) { yield* s.x.write(1); yield* s.x.write(0); },
    ]);
    const sc = [['p0', 'p1'], ['p2']];
    const space = new StateSpace();
    // p1 read 0 or 1; x is 0 again in both.
    const [sawZero] = onlyRecordsDiffer(space, m, [0, 0, 1, 1, 0], [0, 1, 0, 1, 0], (schedule) => followOps(space, m, sc, schedule));
    expect(followOps(space, m, sc, [0, 0, 1, 1, 0]).key()).toBe(sawZero.key());
  });

  it('a thread about to start one operation is not a thread about to start another', () => {
    const m = tiny((w) => ({ x: w.var('x', 0) }), [
      function* (s, t) { yield* t.step('a', {}); yield* s.x.write(1); },
      function* (s, t) { yield* t.step('a', {}); yield* s.x.write(2); },
    ]);
    const space = new StateSpace();
    const first = followOps(space, m, [['p0']]).key();
    expect(followOps(space, m, [['p1']]).key()).not.toBe(first);
    expect(followOps(space, m, [['p0']]).key()).toBe(first);
  });

  it('the operations a thread starts one after another have different marks, even of the same operation', () => {
    const log = new OpLog();
    const marks: string[] = [];
    for (let i = 0; i < 3; i++) {
      log.start(0, 'p', []);
      marks.push(log.marks[0] as string);
    }
    expect(allDifferent(marks)).toBe(true);
  });

  it('a mark names the function stack the operation starts in', () => {
    const mark = (stack: string[]) => {
      const log = new OpLog();
      log.start(0, 'p', stack);
      return log.marks[0] as string;
    };
    expect(allDifferent([mark([]), mark(['a']), mark(['a', 'b']), mark(['ab'])])).toBe(true);
    expect(mark(['a', 'b'])).toBe(mark(['a', 'b']));
  });

  it('a reset log names the operations of a new run as a fresh log does', () => {
    const fresh = new OpLog();
    expect(fresh.marks).toEqual([]);
    const used = new OpLog();
    used.start(0, 'p', []);
    used.start(1, 'q', ['f']);
    used.reset();
    expect(used.marks).toEqual([]);
    fresh.start(0, 'p', []);
    used.start(0, 'p', []);
    expect(used.marks).toEqual(fresh.marks);
  });

  it('a log that saw no operation start changes no identity', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); }, function* (_s, t) { yield* t.step('c', {}); }]);
    const space = new StateSpace();
    const withLog = new StateTracker(space, new Run(m.model, new Set(), m.scenario), new OpLog());
    const without = follow(space, m);
    expect(withLog.key()).toBe(without.key());
    withLog.step(0);
    without.step(0);
    expect(withLog.key()).toBe(without.key());
  });

  it('the tracked model runs the same operations and reports each start with its function stack', () => {
    const log = new OpLog();
    const tracked = trackedModel(ops.model, log);
    expect(Object.keys(tracked.operations)).toEqual(Object.keys(ops.model.operations));
    expect(tracked.operations.p0?.summary).toBe(ops.model.operations.p0?.summary);
    // Same steps as the plain model.
    const plain = new Run(ops.model, new Set(), scenario);
    const run = new Run(tracked, new Set(), scenario);
    for (const t of readZero) {
      expect(run.pendingStep(t)?.label).toBe(plain.pendingStep(t)?.label);
      run.step(t);
      plain.step(t);
    }
    expect(run.pendingStep(0)?.label).toBe('z');
    // A start is reported with the thread's function stack.
    const direct = new OpLog();
    const t = { tid: 2, fnStack: ['f', 'g'] } as unknown as Thread;
    trackedModel(ops.model, direct).operations.p1?.run({}, t);
    const expected = new OpLog();
    expected.start(2, 'p1', ['f', 'g']);
    expect(direct.marks).toEqual(expected.marks);
  });
});

describe('one-step operations', () => {
  /** Thread 0 reads x and then takes lock l; thread 1 writes x = 1, then x = 0; thread 2 takes and releases l. */
  const readThenLock = tiny((w) => ({ x: w.var('x', 0), l: w.spinlock('l') }), [
    function* (s) { yield* s.x.read(); yield* s.l.lock(); yield* s.l.unlock(); },
    function* (s) { yield* s.x.write(1); yield* s.x.write(0); },
    function* (s) { yield* s.l.lock(); yield* s.l.unlock(); },
  ]);

  it('a read records only the value it returned (not the version it was read at)', () => {
    const space = new StateSpace();
    // Thread 0 read 0 at version 2, or at version 0: the same state.
    expect(follow(space, readThenLock, [1, 1, 0]).key()).toBe(follow(space, readThenLock, [0, 1, 1]).key());
    // Reading 1 is another state.
    expect(follow(space, readThenLock, [1, 0, 1]).key()).not.toBe(follow(space, readThenLock, [0, 1, 1]).key());
  });

  it("a read records nothing of the objects its thread's next step waits on", () => {
    const space = new StateSpace();
    // Thread 0 read x while thread 2 held l, or while l was free: l is free again in both.
    expect(follow(space, readThenLock, [2, 0, 2]).key()).toBe(follow(space, readThenLock, [0, 2, 2]).key());
  });

  it('a step followed by a wait on a variable records the version it saw (the wait closes over it)', () => {
    type S = { x: Var<number>; y: Var<number> };
    const programs: Array<[string, (s: S, t: Thread) => Generator<any, void, any>]> = [
      ['read x, wait on x', function* (s, t) { yield* s.x.read(); yield* t.awaitChange('wait', [s.x]); }],
      ['read x, wait on x and y', function* (s, t) { yield* s.x.read(); yield* t.awaitChange('wait', [s.x, s.y]); }],
      ['a step, wait on x', function* (_s, t) { yield* t.step('go', {}); yield* t.awaitChange('wait', [_s.x]); }],
    ];
    for (const [what, program] of programs) {
      const m = tiny<S>((w) => ({ x: w.var('x', 0), y: w.var('y', 0) }), [program, function* (s) { yield* s.x.write(1); yield* s.x.write(0); }]);
      const space = new StateSpace();
      // Thread 0 took its step at version 2, 0 or 1 of x: the same shared state, but other
      // futures (the wait is over in two of them).
      const [late, early] = onlyRecordsDiffer(space, m, [1, 1, 0], [0, 1, 1]);
      const [, between] = onlyRecordsDiffer(space, m, [1, 1, 0], [1, 0, 1]);
      expect([late, early, between].map((tr) => tr.current.isEnabled(0)), what).toEqual([false, true, true]);
      expect(between.key(), what).not.toBe(early.key());
    }
  });

  it('a write records nothing of what it overwrote', () => {
    // Thread 1 writes 1 and 5; thread 0 writes 5 after both, or between them.
    const m = tiny((w) => ({ x: w.var('x', 0) }), [function* (s, t) { yield* s.x.write(5); yield* t.step('end', {}); }, function* (s) { yield* s.x.write(1); yield* s.x.write(5); }]);
    const space = new StateSpace();
    expect(follow(space, m, [1, 1, 0]).key()).toBe(follow(space, m, [1, 0, 1]).key());
  });

  it("a finished thread's record is dropped: what it read no longer matters", () => {
    const m = tiny((w) => ({ x: w.var('x', 0) }), [function* (s) { yield* s.x.read(); }, function* (s) { yield* s.x.write(1); yield* s.x.write(0); }]);
    const space = new StateSpace();
    expect(follow(space, m, [0, 1, 1]).key()).toBe(follow(space, m, [1, 0, 1]).key());
  });

  it('a state is unique only while something unserialisable is in it or was seen', () => {
    // Thread 0 stores a function and then 0 (by one-step writes, or by declared steps); thread 1 reads x (always 0) meanwhile.
    const f = () => 1;
    type S = { v: Var<unknown>; x: Var<number> };
    const storing: Array<(s: S, t: Thread) => Generator<any, void, any>> = [
      function* (s) { yield* s.v.write(f); yield* s.v.write(0); },
      function* (s, t) { yield* t.step('store', { writes: [s.v] }); s.v.value = f; yield* t.step('clear', { writes: [s.v] }); s.v.value = 0; },
    ];
    for (const program of storing) {
      const m = tiny<S>((w) => ({ v: w.var<unknown>('v', 0), x: w.var('x', 0) }), [program, function* (s, t) { yield* s.x.read(); yield* t.step('end', {}); }]);
      const space = new StateSpace();
      expect(follow(space, m, [0, 1]).key()).not.toBe(follow(space, m, [0, 1]).key());
      expect(follow(space, m, [0, 1, 0]).key()).toBe(follow(space, m, [0, 1, 0]).key());
    }
  });

  it('a declared step records the values of the objects it declares', () => {
    const m = tiny((w) => ({ x: w.var('x', 0) }), [
      function* (s, t) { yield* t.step('look', { reads: [s.x] }); yield* t.step('end', {}); },
      function* (s) { yield* s.x.write(1); yield* s.x.write(0); },
    ]);
    onlyRecordsDiffer(new StateSpace(), m, [0, 1, 1], [1, 0, 1]);
  });

  it('a step records the old value of a variable it changed without declaring it', () => {
    const m = tiny((w) => ({ x: w.var('x', 0), old: [] as number[] }), [
      function* (s, t) {
        yield* t.step('sneak', {});
        const old = s.x.value;
        s.x.value = 9;
        yield* t.step('end', {});
        // The effect of 'end', taken after the comparison: until then only the thread's local differs.
        s.old.push(old);
      },
      function* (s) { yield* s.x.write(1); yield* s.x.write(0); },
    ]);
    const [sawZero, sawOne] = onlyRecordsDiffer(new StateSpace(), m, [0, 1, 1], [1, 0, 1]);
    // The thread's future does differ.
    sawZero.step(0);
    sawOne.step(0);
    expect((sawZero.current.state as { old: number[] }).old).toEqual([0]);
    expect((sawOne.current.state as { old: number[] }).old).toEqual([1]);
  });

  it('a read of an object records its contents, whatever object it is', () => {
    // The same object, read in two runs with other contents; thread 1 then empties the variable.
    const shared = { a: 1 };
    const m = tiny((w) => ({ v: w.var<unknown>('v', shared) }), [function* (s, t) { yield* s.v.read(); yield* t.step('end', {}); }, function* (s) { yield* s.v.write(null); }]);
    const space = new StateSpace();
    const one = follow(space, m, [0, 1]).key();
    shared.a = 2;
    const two = follow(space, m, [0, 1]).key();
    shared.a = 1;
    expect(two).not.toBe(one);
    expect(follow(space, m, [0, 1]).key()).toBe(one);
  });

  it('a variable holding an object is keyed by its contents, whatever object it is', () => {
    const shared = { a: 1 };
    const m = tiny((w) => ({ v: w.var('v', shared) }), [function* (_s, t) { yield* t.step('end', {}); }]);
    const space = new StateSpace();
    const one = follow(space, m).key();
    shared.a = 2;
    expect(follow(space, m).key()).not.toBe(one);
    shared.a = 1;
    expect(follow(space, m).key()).toBe(one);
  });

  const f = () => 1;
  const unserialisable: Array<[string, unknown]> = [['a function', f], ['a symbol', Symbol('s')], ['an object holding a function', { f }]];

  it('a thread that read something unserialisable is unique, however often it is reached', () => {
    for (const [what, value] of unserialisable) {
      // Thread 1 then writes 0: only thread 0's record holds what it read.
      const m = tiny((w) => ({ v: w.var<unknown>('v', value) }), [function* (s, t) { yield* s.v.read(); yield* t.step('b', {}); }, function* (s) { yield* s.v.write(0); }]);
      const space = new StateSpace();
      const keys = [0, 1, 2].map(() => follow(space, m, [0, 1]).key());
      expect(allDifferent(keys), what).toBe(true);
    }
  });

  it('a variable holding something unserialisable makes every state unique, however often it is reached', () => {
    for (const [what, value] of unserialisable) {
      const m = tiny((w) => ({ v: w.var<unknown>('v', value) }), [function* (_s, t) { yield* t.step('b', {}); }]);
      const space = new StateSpace();
      const keys = [0, 1, 2].map(() => follow(space, m).key());
      expect(allDifferent(keys), what).toBe(true);
    }
  });

  it('a read of a subclass of Var leaves its key as it was (the wrapped effect is no field)', () => {
    class Tagged extends Var<number> {}
    // Thread 0 reads 3, thread 1 writes 3 again: both orders reach the same state.
    const m = tiny((w) => ({ v: new Tagged(w, 'v', 3) }), [function* (s, t) { yield* s.v.read(); yield* t.step('end', {}); }, function* (s) { yield* s.v.write(3); }]);
    const space = new StateSpace();
    expect(follow(space, m, [0, 1]).key()).toBe(follow(space, m, [1, 0]).key());
    // Its key holds its version too: a write of the same value is a change (a wait would end).
    const fresh = follow(space, m);
    const id = (fresh.current.state as { v: Tagged }).v.id;
    expect(keyIds(follow(space, m, [1]))[id]).not.toBe(keyIds(fresh)[id]);
    expect(keyIds(follow(space, m, [0]))[id]).toBe(keyIds(fresh)[id]);
  });
});

describe('ghost state', () => {
  it('a step that changed a ghost field records the ghost state it saw', () => {
    // Thread 0 grabs n and sets it to 5; thread 1 sets it to 7, then to 3.
    const m = tiny(() => ({ n: 0, got: -1 }), [
      function* (s, t) { yield* t.step('grab', {}); const old = s.n; s.n = 5; yield* t.step('end', {}); s.got = old; },
      function* (s, t) { yield* t.step('bump', {}); s.n = 7; yield* t.step('set', {}); s.n = 3; },
    ]);
    const space = new StateSpace();
    const sawZero = follow(space, m, [0, 1, 1]);
    const sawSeven = follow(space, m, [1, 0, 1]);
    expect(sawZero.current.state).toEqual(sawSeven.current.state);
    expect(sawZero.key()).not.toBe(sawSeven.key());
    // A step that leaves the ghost state alone does not record it: these orders commute.
    const n = tiny(() => ({ n: 0 }), [function* (_s, t) { yield* t.step('a', {}); yield* t.step('end', {}); }, function* (s, t) { yield* t.step('b', {}); s.n = 1; }]);
    expect(follow(space, n, [0, 1]).key()).toBe(follow(space, n, [1, 0]).key());
  });

  it('a ghost state holding the world is exact, IPIs sent or not', () => {
    const m = tiny((w) => ({ w }), [function* (_s, t: Thread) { yield* t.world.cpus.sendIpi(() => {}, [1]); }, function* (_s, t) { yield* t.step('b', {}); yield* t.step('c', {}); }]);
    const space = new StateSpace();
    expect(follow(space, m, [0]).key()).toBe(follow(space, m, [0]).key());
    expect(follow(space, m, [0, 1]).key()).toBe(follow(space, m, [1, 0]).key());
  });

  it('a ghost state changed and changed back is the ghost state it was', () => {
    const roundTrip = tiny(() => ({ n: 0 }), [function* (s, t) { yield* t.step('a', {}); s.n = 1; yield* t.step('b', {}); s.n = 0; }]);
    const still = tiny(() => ({ n: 0 }), [function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); }]);
    const space = new StateSpace();
    expect(follow(space, roundTrip, [0, 0]).key()).toBe(follow(space, still, [0, 0]).key());
    expect(follow(space, roundTrip, [0]).key()).not.toBe(follow(space, still, [0]).key());
  });

  it('a thread that saw an unserialisable ghost state stays unique after it is gone', () => {
    // Thread 0 calls the ghost function and drops it: the ghost state is exact again.
    const calling = (h: () => number) =>
      tiny(() => ({ h: h as (() => number) | null, r: 0 }), [function* (s, t) { yield* t.step('call', {}); const r = (s.h as () => number)(); s.h = null; yield* t.step('end', {}); s.r = r; }]);
    const space = new StateSpace();
    const one = follow(space, calling(() => 1), [0]).key();
    const two = follow(space, calling(() => 2), [0]).key();
    expect(two).not.toBe(one);
  });

  /** The key of a one-thread model whose ghost state is `{ g }`. */
  const ghostKey = (space: StateSpace, g: () => unknown) => follow(space, tiny(() => ({ g: g() }), [function* (_s, t) { yield* t.step('a', {}); }])).key();
  const nested = (depth: number): unknown => (depth === 0 ? 1 : [nested(depth - 1)]);

  it('a ghost value is exact down to 64 levels of nesting, and unique below', () => {
    const space = new StateSpace();
    // The model state is the first level; `g` holds the rest.
    expect(ghostKey(space, () => nested(64))).toBe(ghostKey(space, () => nested(64)));
    expect(ghostKey(space, () => nested(65))).not.toBe(ghostKey(space, () => nested(65)));
  });

  it('arrays, IPI-like objects and objects of unknown prototype are told apart from their look-alikes', () => {
    const space = new StateSpace();
    const pairs: Array<[string, () => unknown, () => unknown]> = [
      ['an array with a hole and an empty one', () => new Array(1), () => []],
      ['a ticket without a handler', () => ({ ticket: { a: 1 } }), () => ({ ticket: { a: 2 } })],
      ['a handler without a ticket', () => ({ handler: 1 }), () => ({ handler: 2 })],
      ['an object of unknown prototype and a plain one', () => Object.create(Object.create(null) as object) as unknown, () => ({})],
      ['a string and the number it spells', () => '1', () => 1],
      ['a string and the boolean it spells', () => 't', () => true],
      ['a string holding a separator and two strings', () => ['a,s1:b'], () => ['a', 'b']],
    ];
    for (const [what, a, b] of pairs) {
      expect(ghostKey(space, a), what).not.toBe(ghostKey(space, b));
      expect(ghostKey(space, a), what).toBe(ghostKey(space, a));
    }
  });
});

/** A shared object of a model's own, with fields a core variable also has, and step-like ones. */
class Gadget extends SimObject {
  declare readonly kind: string;
  declare version: number;
  declare current: number;
  declare content: unknown;
  constructor(w: World, version: number, current: number, content: unknown) {
    super(w, 'gadget');
    this.kind = 'gadget';
    this.version = version;
    this.current = current;
    this.content = content;
  }
  describe(): string {
    return 'gadget';
  }
}

describe("objects of a model's own", () => {
  const gadgetKey = (space: StateSpace, version: number, current: number, content: unknown) => {
    const tr = follow(space, tiny((w) => ({ g: new Gadget(w, version, current, content) }), [function* (_s, t) { yield* t.step('a', {}); }]));
    return keyIds(tr)[(tr.current.state as { g: Gadget }).g.id];
  };

  it('every field is state, even one named like a field of a variable', () => {
    const space = new StateSpace();
    expect(gadgetKey(space, 1, 0, 0)).not.toBe(gadgetKey(space, 2, 0, 0));
    expect(gadgetKey(space, 0, 1, 0)).not.toBe(gadgetKey(space, 0, 2, 0));
    expect(gadgetKey(space, 1, 1, 0)).toBe(gadgetKey(space, 1, 1, 0));
  });

  it('values that only look a little like steps are state', () => {
    const space = new StateSpace();
    const pairs: Array<[string, () => unknown, () => unknown]> = [
      ['an object with a label', () => ({ label: 'a' }), () => ({ label: 'b' })],
      ['an object with a label and accesses that are no list', () => ({ label: 'a', accesses: 1 }), () => ({ label: 'a', accesses: 2 })],
      ['an object with accesses', () => ({ accesses: [1] }), () => ({ accesses: [2] })],
      ['a pending result', () => ({ done: false, value: 1 }), () => ({ done: false, value: 2 })],
      ['a list', () => [1], () => [2]],
      ['a list starting with null', () => [null, 1], () => [null, 2]],
      ['a list of lists', () => [[1]], () => [[2]]],
      ['a finished result holding something step-like', () => ({ done: true, value: { label: 'a', accesses: [] } }), () => ({ done: true, value: { label: 'b', accesses: [] } })],
    ];
    for (const [what, a, b] of pairs) {
      expect(gadgetKey(space, 0, 0, a()), what).not.toBe(gadgetKey(space, 0, 0, b()));
      expect(gadgetKey(space, 0, 0, a()), what).toBe(gadgetKey(space, 0, 0, a()));
    }
  });

  it('an absent, a null and an undefined field are alike', () => {
    const space = new StateSpace();
    const absent = follow(space, tiny((w) => ({ g: new Gadget(w, 0, 0, undefined) }), [function* (s, t) { yield* t.step('a', {}); delete (s.g as { content?: unknown }).content; yield* t.step('b', { writes: [s.g] }); }]), [0, 0]);
    const id = (absent.current.state as { g: Gadget }).g.id;
    expect(Object.keys((absent.current.state as { g: Gadget }).g)).not.toContain('content');
    expect(keyIds(absent)[id]).toBe(gadgetKey(space, 0, 0, undefined));
    expect(gadgetKey(space, 0, 0, null)).toBe(gadgetKey(space, 0, 0, undefined));
    expect(gadgetKey(space, 0, 0, 0)).not.toBe(gadgetKey(space, 0, 0, undefined));
  });

  it('cached steps are not state: a lock of a subclass taken and released is as one never taken', () => {
    class MyLock extends Lock {}
    const m = tiny((w) => ({ l: new MyLock(w, 'l') }), [function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }]);
    const space = new StateSpace();
    const untouched = follow(space, m);
    const id = (untouched.current.state as { l: MyLock }).l.id;
    expect(keyIds(follow(space, m, [0, 0]))[id]).toBe(keyIds(untouched)[id]);
    // Holding it is another state.
    expect(keyIds(follow(space, m, [0]))[id]).not.toBe(keyIds(untouched)[id]);
  });
});

describe('fast keys of the core primitives', () => {
  /** Subclasses: keyed by the general case, field by field. */
  class SubCpu extends Cpu {}
  class SubSrcu extends Srcu {}
  class SubRwLock extends RwLock {}
  class SubSeqCount extends SeqCount {}

  type Any = Record<string, any>;
  const ticket: IpiTicket = { targets: [0], pending: new Set([0]) };
  /** States to put a primitive in (fields set directly; a step cache made by asking for a step). */
  const cpuStates: Array<(c: Any) => void> = [
    () => {},
    (c) => { c.state = 'host-irq-off'; },
    (c) => { c.state = 'in-guest'; },
    (c) => { c.irqDisable(); },
    (c) => { c.state = 'host-irq-off'; c.pendingIpis = []; },
    (c) => { c.state = 'host-irq-off'; c.pendingIpis = [{ handler: () => {}, ticket }]; c.irqEnable(); },
  ];
  const srcuStates: Array<(c: Any) => void> = [
    () => {},
    (c) => { c.depth[0] = 1; },
    (c) => { c.depth[1] = 1; },
    (c) => { c.ended[0] = 1; },
    (c) => { c.readLock(); },
    (c) => { c.depth[0] = 2; c.ended[1] = 3; void c.snapshotStep; },
  ];
  const rwStates: Array<(c: Any) => void> = [
    () => {},
    (c) => { c.writer = 1; },
    (c) => { c.readHolds[1] = 1; c.readers = 1; },
    (c) => { c.readers = 2; },
    (c) => { c.readLock(); },
    (c) => { c.writer = 0; c.writeLock(); },
  ];
  const seqStates: Array<(c: Any) => void> = [() => {}, (c) => { c.sequence = 1; }, (c) => { c.sequence = 2; c.readBegin(); }, (c) => { c.writeBegin(); }];

  const cases: Array<[string, (w: World) => SimObject, (w: World) => SimObject, Array<(c: Any) => void>]> = [
    ['a CPU', (w) => new Cpu(w, 0), (w) => new SubCpu(w, 0), cpuStates],
    ['an SRCU', (w) => new Srcu(w, 's'), (w) => new SubSrcu(w, 's'), srcuStates],
    ['an rwlock', (w) => new RwLock(w, 'r'), (w) => new SubRwLock(w, 'r'), rwStates],
    ['a seqcount', (w) => new SeqCount(w, 'q'), (w) => new SubSeqCount(w, 'q'), seqStates],
  ];

  it('a core CPU, SRCU, rwlock or seqcount has the key the general case gives an object with its fields', () => {
    for (const [what, core, sub, states] of cases) {
      const space = new StateSpace();
      const seen: number[] = [];
      states.forEach((put, i) => {
        const m = tiny((w) => {
          const a = core(w);
          const b = sub(w);
          put(a as unknown as Any);
          put(b as unknown as Any);
          return { a, b };
        }, [function* (_s, t) { yield* t.step('a', {}); }]);
        const tr = follow(space, m);
        const { a, b } = tr.current.state as { a: SimObject; b: SimObject };
        const ids = keyIds(tr);
        expect(ids[a.id], `${what}, state ${i}`).toBe(ids[b.id]);
        seen.push(ids[a.id] as number);
      });
      // The states are told apart, but for one that only made a cached step (as the first state).
      expect(new Set(seen).size, what).toBe(states.length - 1);
    }
  });

  it('a core lock is keyed by its holder', () => {
    // Thread 0 takes l, thread 1 takes l after it (they run l.lock; l.unlock).
    const m = tiny((w) => ({ l: w.spinlock('l') }), [function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }, function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }]);
    const space = new StateSpace();
    const lockKey = (schedule: number[]) => {
      const tr = follow(space, m, schedule);
      return keyIds(tr)[(tr.current.state as { l: Lock }).l.id];
    };
    const free = lockKey([]);
    expect(allDifferent([free, lockKey([0]), lockKey([1])])).toBe(true);
    expect(lockKey([0, 0])).toBe(free);
    expect(lockKey([0, 0, 1])).toBe(lockKey([1]));
  });

  it('a core primitive whose fields are not the known ones is keyed by all of them', async () => {
    // The shape of each class is checked on its first instance: a fresh module, whose first
    // instances carry another field in place of their last cached step.
    vi.resetModules();
    const core = await import('../src/index.js');
    const sk = { ...(await import('../src/explore/state-space.js')), ...(await import('../src/explore/state-tracker.js')) };
    const space = new sk.StateSpace();
    const keysWith = (extra: number) => {
      const model = core.defineModel<Record<string, SimObject>, string, string>({
        name: 'shapes',
        title: 'shapes',
        summary: 'odd-shaped primitives',
        fixes: {},
        operations: { p0: { summary: 'p0', kernel: 'k', run: function* (_s, t) { yield* t.step('a', {}); } } },
        setup: (w) => {
          const objects: Record<string, SimObject> = { cpu: w.cpu(0), lock: w.spinlock('l'), srcu: w.srcu('s'), rw: w.rwlock('r'), seq: w.seqcount('q') };
          const last: Record<string, string> = { cpu: 'steps', lock: 'releaseY', srcu: 'snapshot', rw: 'steps', seq: 'steps' };
          for (const [k, o] of Object.entries(objects)) {
            delete (o as unknown as Record<string, unknown>)[last[k] as string];
            (o as unknown as Record<string, unknown>).extra = extra;
          }
          return objects;
        },
        invariants: [],
        scenarios: { maxThreads: 1, maxOpsPerThread: 1, maxOps: 1, catalogue: [] },
      });
      const tr = new sk.StateTracker(space, new core.Run(model, new Set(), [['p0']]));
      const objects = tr.current.state as Record<string, SimObject>;
      const ids = keyIds(tr);
      return Object.fromEntries(Object.entries(objects).map(([k, o]) => [k, ids[o.id]]));
    };
    const one = keysWith(1);
    const two = keysWith(2);
    for (const k of Object.keys(one)) {
      expect(two[k], k).not.toBe(one[k]);
      expect(keysWith(1)[k], k).toBe(one[k]);
    }
    vi.resetModules();
  });
});

describe('footprints', () => {
  /** Steps both a tracker and a `FootprintObserver` through `schedule` and compares their footprints. */
  function compare(m: TinyModel, schedule: readonly number[]): void {
    const tracker = follow(new StateSpace(), m);
    const run = new Run(m.model, new Set(), m.scenario);
    const observer = new FootprintObserver();
    schedule.forEach((t, i) => {
      const a = [...tracker.step(t)].sort((x, y) => x - y);
      const b = [...observer.step(run, t)].sort((x, y) => x - y);
      expect(a, `step ${i} (CPU${t})`).toEqual(b);
    });
  }

  it("a tracker's step returns the footprint FootprintObserver observes", () => {
    const ipis = tiny((w) => ({ x: w.var('x', 0), got: -1 }), [
      function* (_s, t: Thread) { yield* t.cpu.irqDisable(); yield* t.step('hold', {}); },
      function* (s, t: Thread) { const v = yield* s.x.read(); yield* t.world.cpus.sendIpi(() => { s.got = v; }, [0]); },
      function* (s) { yield* s.x.write(1); },
    ]);
    compare(ipis, [0, 1, 1, 2, 0]);
    compare(ipis, [2, 1, 0, 1, 0]);
    const sneaky = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0), n: 0 }), [
      function* (s, t) { yield* t.step('sneak', {}); s.x.value = 9; yield* s.y.read(); yield* t.awaitChange('wait', [s.x, s.y]); s.n = 1; },
      function* (s, t) { yield* s.y.write(1); yield* t.step('bump', { writes: [s.x] }); s.x.value = 2; },
    ]);
    compare(sneaky, [0, 0, 1, 1, 0]);
    compare(sneaky, [1, 0, 0, 1, 0]);
  });
});

describe('snapshot and restore', () => {
  /**
   * CPUs 0 and 1 turn interrupts off; threads 2 and 3 read x and send CPU0 and CPU1 an IPI each
   * (the handler keeps what they read, in a variable or a ghost field); thread 4 sends both
   * another one; thread 5 writes x.
   */
  const twoQueues = tiny((w) => ({ x: w.var('x', 0), got: [-1, -1], seen: w.var('seen', -1) }), [
    function* (_s, t: Thread) { yield* t.cpu.irqDisable(); yield* t.step('hold', {}); },
    function* (_s, t: Thread) { yield* t.cpu.irqDisable(); yield* t.step('hold', {}); },
    function* (s, t: Thread) { const v = yield* s.x.read(); yield* t.world.cpus.sendIpi(() => { s.seen.value = v; }, [0]); },
    function* (s, t: Thread) { const v = yield* s.x.read(); yield* t.world.cpus.sendIpi(() => { s.got[1] = v; }, [1]); },
    function* (_s, t: Thread) { yield* t.world.cpus.sendIpi(() => {}, [0, 1]); },
    function* (s) { yield* s.x.write(1); },
  ]);
  const prefix = [0, 1, 2, 5, 2, 3, 3];
  const rest = [4, 0, 1];

  it('a restored tracker goes on with the ids the first one had, IPIs queued on several CPUs', () => {
    const space = new StateSpace();
    const first = follow(space, twoQueues, prefix);
    const snap = first.snapshot();
    expect(snap.tickets[0]).toHaveLength(1);
    expect(snap.tickets[1]).toHaveLength(1);
    expect(snap.tickets[0]).not.toEqual(snap.tickets[1]);
    const run = new Run(twoQueues.model, new Set(), twoQueues.scenario);
    for (const t of prefix) run.step(t);
    const resumed = new StateTracker(space, new Run(twoQueues.model, new Set(), twoQueues.scenario));
    resumed.restore(run, snap);
    expect(resumed.key()).toBe(first.key());
    for (const t of rest) {
      first.step(t);
      resumed.step(t);
      expect(resumed.key(), `after CPU${t}`).toBe(first.key());
    }
  });

  it('IPIs queued by threads with the same records are told apart by their sender', () => {
    // Threads 1 and 2 read x and send CPU0 an IPI that keeps it per sender; thread 3 writes x.
    const m = tiny((w) => ({ x: w.var('x', 0), got: [-1, -1, -1] }), [
      function* (_s, t: Thread) { yield* t.cpu.irqDisable(); yield* t.step('hold', {}); },
      function* (s, t: Thread) { const v = yield* s.x.read(); yield* t.world.cpus.sendIpi(() => { s.got[t.tid] = v; }, [0]); },
      function* (s, t: Thread) { const v = yield* s.x.read(); yield* t.world.cpus.sendIpi(() => { s.got[t.tid] = v; }, [0]); },
      function* (s) { yield* s.x.write(1); },
    ]);
    const space = new StateSpace();
    // Thread 1 sends first what it read (0), thread 2 then 1; or the other way round.
    const oneFirst = follow(space, m, [0, 1, 1, 3, 2, 2]);
    const twoFirst = follow(space, m, [0, 2, 2, 3, 1, 1]);
    expect(oneFirst.key()).not.toBe(twoFirst.key());
    oneFirst.step(0);
    twoFirst.step(0);
    expect((oneFirst.current.state as { got: number[] }).got).toEqual([-1, 0, 1]);
    expect((twoFirst.current.state as { got: number[] }).got).toEqual([-1, 1, 0]);
  });

  it('an IPI sent by the last step of an operation is named by the records of the operation that ended', () => {
    // Thread 1 reads x and sends an IPI that keeps it; its next operation then starts.
    const m = tiny((w) => ({ x: w.var('x', 0), got: -1 }), [
      function* (_s, t: Thread) { yield* t.cpu.irqDisable(); yield* t.step('hold', {}); },
      function* (s, t: Thread) { const v = yield* s.x.read(); yield* t.world.cpus.sendIpi(() => { s.got = v; }, [0]); },
      function* (_s, t) { yield* t.step('next', {}); },
      function* (s) { yield* s.x.write(1); },
      function* (_s, t) { yield* t.step('tick', {}); },
    ]);
    const scenario = [['p0'], ['p1', 'p2'], ['p3'], ['p4']];
    const space = new StateSpace();
    // Thread 1 read 0 or 1; thread 2 ticks just before the send in both.
    const sawZero = followOps(space, m, scenario, [0, 1, 2, 3, 1]);
    const sawOne = followOps(space, m, scenario, [0, 2, 1, 3, 1]);
    expect(sawZero.key()).not.toBe(sawOne.key());
  });

  it("the name of a queued IPI does not depend on another thread's step just before the sending one", () => {
    const m = tiny((w) => ({ x: w.var('x', 0), got: -1 }), [
      function* (_s, t: Thread) { yield* t.cpu.irqDisable(); yield* t.step('hold', {}); },
      function* (s, t: Thread) { const v = yield* s.x.read(); yield* t.world.cpus.sendIpi(() => { s.got = v; }, [0]); },
      function* (_s, t) { yield* t.step('tick', {}); },
    ]);
    const space = new StateSpace();
    expect(follow(space, m, [0, 1, 2, 1]).key()).toBe(follow(space, m, [0, 2, 1, 1]).key());
  });

  it('a queued IPI keeps the name of its sending step while others are queued behind it', () => {
    const space = new StateSpace();
    const tracker = follow(space, twoQueues, prefix);
    const names = tracker.snapshot().tickets;
    tracker.step(4); // another IPI to CPU0 and CPU1
    const later = tracker.snapshot().tickets;
    expect(later[0]).toHaveLength(2);
    expect(later[0]![0]).toBe(names[0]![0]);
    expect(later[1]![0]).toBe(names[1]![0]);
    // The new one has a name of its own, the same on both CPUs.
    expect(later[0]![1]).not.toBe(names[0]![0]);
    expect(later[1]![1]).toBe(later[0]![1]);
  });

  it('a snapshot stays as it was taken while its tracker goes on, and can be restored twice', () => {
    const space = new StateSpace();
    const tracker = follow(space, twoQueues, prefix);
    const snap = tracker.snapshot();
    const copy = JSON.parse(JSON.stringify({ keyIds: snap.keyIds, history: snap.history, counts: snap.counts, tickets: snap.tickets })) as unknown;
    const at = tracker.key();
    const later: string[] = [];
    for (const t of rest) {
      tracker.step(t);
      later.push(tracker.key());
    }
    expect({ keyIds: snap.keyIds, history: snap.history, counts: snap.counts, tickets: snap.tickets }).toEqual(copy);
    for (let round = 0; round < 2; round++) {
      const run = new Run(twoQueues.model, new Set(), twoQueues.scenario);
      for (const t of prefix) run.step(t);
      tracker.restore(run, snap);
      expect(tracker.key(), `round ${round}`).toBe(at);
      rest.forEach((t, i) => {
        tracker.step(t);
        expect(tracker.key(), `round ${round}, step ${i}`).toBe(later[i]);
      });
    }
  });

  it('a restored tracker takes up the ghost state of the snapshot, unique or not', () => {
    // Thread 0 drops a ghost function, then sets n to 1.
    const f = () => 1;
    const m = tiny(() => ({ h: f as (() => number) | null, n: 0 }), [function* (s, t) { yield* t.step('drop', {}); s.h = null; yield* t.step('set', {}); s.n = 1; yield* t.step('end', {}); }]);
    const space = new StateSpace();
    const tracker = follow(space, m);
    const unique = tracker.snapshot();
    tracker.step(0);
    const exact = tracker.snapshot();
    const exactKey = tracker.key();
    tracker.step(0);
    const after = tracker.key();
    // Back to the unique state: unique again.
    tracker.restore(new Run(m.model, new Set(), m.scenario), unique);
    expect(tracker.key()).not.toBe(tracker.key());
    // Back to the state before n was set (the tracker saw n = 1 last): setting it again is seen.
    const run = new Run(m.model, new Set(), m.scenario);
    run.step(0);
    tracker.restore(run, exact);
    expect(tracker.key()).toBe(exactKey);
    tracker.step(0);
    expect(tracker.key()).toBe(after);
  });

  it('a tracker restored on a replayed run of a tracked model ignores the operation starts of the replay', () => {
    const m = tiny((w) => ({ x: w.var('x', 0) }), [
      function* (_s, t) { yield* t.step('a', {}); },
      function* (s, t) { yield* s.x.read(); yield* t.step('end', {}); yield* t.step('end2', {}); },
      function* (s) { yield* s.x.write(1); },
    ]);
    const scenario = [['p0', 'p1'], ['p2']];
    const space = new StateSpace();
    const log = new OpLog();
    const model = trackedModel(m.model, log);
    const tracker = new StateTracker(space, new Run(model, new Set(), scenario), log);
    tracker.step(0); // p0's step; p1 starts
    const snap = tracker.snapshot();
    const rest = [0, 1, 0]; // p1 reads 0; x = 1; p1 goes on
    const expected = rest.map((t) => (tracker.step(t), tracker.key()));
    // Replayed as the stateful search does: a reset log, the steps retaken, then restore.
    log.reset();
    const run = new Run(model, new Set(), scenario);
    run.step(0);
    tracker.restore(run, snap);
    expect(rest.map((t) => (tracker.step(t), tracker.key()))).toEqual(expected);
  });
});

describe('bugs these tests found in the state identity (fixed)', () => {
  it('tells ghost objects apart whose keys only look alike once written out', () => {
    // `{a: 0, b: 1}` and `{'a:0,b': 1}` were both written `{a:0,b:1,}`: one id for two states.
    const m = tiny(() => ({ g: {} as Record<string, number> }), [
      function* (s, t) {
        yield* t.step('set', {});
        s.g = { a: 0, b: 1 };
      },
      function* (s, t) {
        yield* t.step('set', {});
        s.g = { 'a:0,b': 1 };
      },
    ]);
    const space = new StateSpace();
    const one = follow(space, m, [0], [['p0']]);
    const other = follow(space, m, [0], [['p1']]);
    expect(one.current.state).not.toEqual(other.current.state);
    expect(one.stateId()).not.toBe(other.stateId());
  });

  it("tells shared objects apart whose field names only look alike once written out", () => {
    // A field named `a=1;b` holding 2 was written `a=1;b=2;`, as are fields a = 1 and b = 2.
    class Fields extends SimObject {
      declare readonly kind: string;
      constructor(w: World, fields: Record<string, number>) {
        super(w, 'fields');
        this.kind = 'fields';
        Object.assign(this, fields);
      }
      describe(): string {
        return 'fields';
      }
    }
    const space = new StateSpace();
    const keyOf = (fields: Record<string, number>) => {
      const tr = follow(space, tiny((w) => ({ o: new Fields(w, fields) }), [function* (_s, t) { yield* t.step('a', {}); }]));
      return keyIds(tr)[(tr.current.state as { o: Fields }).o.id];
    };
    expect(keyOf({ a: 1, b: 2 })).not.toBe(keyOf({ 'a=1;b': 2 }));
    expect(keyOf({ 'a=1;b': 2 })).toBe(keyOf({ 'a=1;b': 2 }));
    expect(keyOf({ a: 1, b: 2 })).toBe(keyOf({ a: 1, b: 2 }));
  });

  it("sees an undeclared write to a Var made during an earlier step (footprint and key)", () => {
    // The Var made in step 1 was never listed for version checks, so step 2's undeclared write
    // to it was missing from the footprint and left its key stale.
    const m = tiny(() => ({ made: null as Var<number> | null }), [
      function* (s, t) {
        yield* t.step('make', {});
        s.made = t.world.var('made', 0);
        yield* t.step('sloppy write', {});
        (s.made as Var<number>).value = 1;
      },
    ]);
    const space = new StateSpace();
    const tracker = new StateTracker(space, new Run(m.model, new Set(), m.scenario));
    const observed = new Run(m.model, new Set(), m.scenario);
    const observer = new FootprintObserver();
    const made = () => (tracker.current.state as { made: Var<number> }).made;
    tracker.step(0);
    observer.step(observed, 0);
    const before = tracker.stateId();
    const fp = tracker.step(0);
    expect([...fp].sort()).toEqual([...observer.step(observed, 0)].sort());
    expect(fp).toContain((made().id << 1) | 1); // a write of the new Var
    // The same state but for the new Var's value: a fresh tracker keys it from scratch.
    const fresh = new StateTracker(space, tracker.current);
    expect(tracker.stateId()).toBe(fresh.stateId());
    expect(tracker.stateId()).not.toBe(before);
  });
});
