import { describe, expect, it } from 'vitest';
import { execute, findWaitsForCycle, isFailure, ModelMisuseError, RandomWalk } from '../src/index.js';
import { enabled, runSchedule, start, tiny } from './fixtures/harness.js';

describe('outcomes', () => {
  it('assert, oops, bugOn and warnOn end the run with the step and thread', () => {
    const cases: Array<[(t: import('../src/index.js').Thread) => void, object]> = [
      [(t) => t.assert(false, 'my-inv', 'it broke'), { kind: 'violation', invariant: 'my-inv', message: 'it broke', thread: 1, step: 1 }],
      [(t) => t.assert(false, 'bare'), { kind: 'violation', invariant: 'bare', message: 'bare' }],
      [(t) => t.oops('NULL deref'), { kind: 'oops', message: 'NULL deref', thread: 1 }],
      [(t) => t.bugOn(true, 'x < 0'), { kind: 'oops', message: 'BUG_ON: x < 0' }],
      [(t) => t.warnOn(true, 'odd'), { kind: 'warn', message: 'WARN_ON: odd', thread: 1, step: 1 }],
      [() => { throw new TypeError('boom'); }, { kind: 'oops', message: 'CPU1 threw TypeError: boom' }],
      [() => { throw new ModelMisuseError('bad'); }, { kind: 'oops', message: 'model misuse: bad' }],
    ];
    for (const [fail, want] of cases) {
      const m = tiny((w) => ({ v: w.var('v', 0) }), [
        function* (s) { yield* s.v.write(1); yield* s.v.write(2); },
        function* (s, t) { yield* s.v.read(); fail(t); yield* s.v.write(3); },
      ]);
      const ex = runSchedule(m, [0, 1]);
      expect(ex.outcome).toMatchObject(want);
      expect(isFailure(ex.outcome)).toBe(true);
    }
  });

  it('passing checks do nothing', () => {
    const m = tiny(() => ({}), [function* (_s: unknown, t: import('../src/index.js').Thread) { t.assert(true, 'x'); t.bugOn(false, 'x'); t.warnOn(false, 'x'); yield* t.step('s', {}); }]);
    const ex = runSchedule(m, [0]);
    expect(ex.outcome).toEqual({ kind: 'ok', message: 'every thread finished and every invariant holds', step: 0 });
    expect(isFailure(ex.outcome)).toBe(false);
  });

  it('gaveUp stops the thread without a failure and is recorded', () => {
    const m = tiny((w) => ({ v: w.var('v', 0) }), [function* (s, t) { yield* s.v.read(); t.gaveUp('retries ran out'); }, function* (s) { yield* s.v.write(1); }]);
    const ex = runSchedule(m, [0, 1]);
    expect(ex.outcome.kind).toBe('ok');
    expect(ex.gaveUp).toEqual([0]);
  });

  it('an invariant is checked after every step, only `when` it applies, and `end` ones at the end', () => {
    const mk = (at: 'always' | 'end', when?: (s: { v: import('../src/index.js').Var<number> }) => boolean) =>
      tiny((w) => ({ v: w.var('v', 0) }), [function* (s) { yield* s.v.write(5); yield* s.v.write(0); }], {
        invariants: [{ name: 'small', description: 'v < 5', at, ...(when ? { when } : {}), check: (s) => s.v.value < 5 }],
      });
    expect(runSchedule(mk('always'), [0, 0]).outcome).toMatchObject({ kind: 'violation', invariant: 'small', message: 'v < 5', step: 0 });
    expect(runSchedule(mk('end'), [0, 0]).outcome.kind).toBe('ok');
    expect(runSchedule(mk('always', () => false), [0, 0]).outcome.kind).toBe('ok');
    const msg = tiny((w) => ({ v: w.var('v', 0) }), [function* (s) { yield* s.v.write(5); }], {
      invariants: [{ name: 'said', description: 'x', check: (s) => s.v.value < 5 || `v is ${s.v.value}` }, { name: 'throws', description: 'x', check: () => { throw new Error('oh'); } }],
    });
    expect(runSchedule(msg, [0]).outcome).toMatchObject({ invariant: 'said', message: 'v is 5' });
    const thr = tiny(() => ({}), [function* (_s, t) { yield* t.step('s', {}); }], { invariants: [{ name: 'throws', description: 'x', check: () => { throw new Error('oh'); } }] });
    expect(runSchedule(thr, [0]).outcome).toMatchObject({ invariant: 'throws', message: 'the check threw oh' });
  });

  it('an unknown operation is model misuse', () => {
    const m = tiny(() => ({}), [function* () {}]);
    const ex = execute(m.model, new Set(), [['p0', 'nope']], new RandomWalk(1));
    expect(ex.outcome).toMatchObject({ kind: 'oops', message: "model misuse: unknown operation 'nope'", step: -1 });
  });

  it('operations of a thread run in order; an empty thread is done at once', () => {
    const order: string[] = [];
    const m = tiny(() => ({}), [function* (_s, t) { order.push(`a${t.tid}`); yield* t.step('a', {}); }, function* (_s, t) { order.push(`b${t.tid}`); yield* t.step('b', {}); }]);
    const ex = execute(m.model, new Set(), [['p0', 'p1', 'p0'], []], new RandomWalk(1), { trace: true });
    expect(order).toEqual(['a0', 'b0', 'a0']);
    expect(ex.trace?.map((e) => `${e.operation}:${e.label}`)).toEqual(['p0:a', 'p1:b', 'p0:a']);
  });

  it('within names the kernel function of its steps', () => {
    const m = tiny((w) => ({ v: w.var('v', 0) }), [function* (s, t) {
      yield* s.v.read();
      yield* t.within('outer_fn', (function* () {
        yield* s.v.read();
        yield* t.within('inner_fn', s.v.write(1));
      })());
      yield* s.v.read();
    }]);
    const ex = runSchedule(m, [0, 0, 0, 0]);
    expect(ex.trace?.map((e) => e.fn)).toEqual(['p0', 'outer_fn', 'inner_fn', 'p0']);
  });
});

describe('deadlock and the step budget', () => {
  it('an ABBA deadlock names the waits-for cycle', () => {
    const m = tiny((w) => ({ a: w.spinlock('A'), b: w.spinlock('B') }), [
      function* (s) { yield* s.a.lock(); yield* s.b.lock(); yield* s.b.unlock(); yield* s.a.unlock(); },
      function* (s) { yield* s.b.lock(); yield* s.a.lock(); yield* s.a.unlock(); yield* s.b.unlock(); },
    ]);
    const rw = new RandomWalk(3);
    let seen = 0;
    for (let i = 0; i < 200; i++) {
      const ex = execute(m.model, new Set(), m.scenario, rw);
      if (ex.outcome.kind !== 'deadlock') {
        expect(ex.outcome.kind).toBe('ok');
        continue;
      }
      seen++;
      expect(ex.outcome.step).toBe(1);
      expect([[0, 1, 0], [1, 0, 1]]).toContainEqual(ex.outcome.cycle);
      expect(ex.outcome.message).toMatch(/^waits-for cycle CPU(\d) -> CPU(\d) -> CPU\1: CPU0 at spin_lock\(B\); CPU1 at spin_lock\(A\)$/);
    }
    expect(seen).toBeGreaterThan(20);
  });

  it('a deadlock with nobody to blame has no cycle', () => {
    const m = tiny((w) => ({ v: w.var('v', 0) }), [function* (s, t) { yield* t.awaitChange('wait for v', [s.v]); }]);
    const ex = execute(m.model, new Set(), m.scenario, new RandomWalk(1));
    expect(ex.outcome).toEqual({ kind: 'deadlock', message: 'no thread can step: CPU0 at wait for v', step: -1 });
  });

  it('the waits-for search finds cycles through blocked threads only', () => {
    const g: Record<number, number[]> = { 0: [1], 1: [2], 2: [1], 3: [0] };
    expect(findWaitsForCycle([0, 1, 2, 3], (t) => g[t] ?? [])).toEqual([1, 2, 1]);
    expect(findWaitsForCycle([0, 1], (t) => g[t] ?? [])).toBeNull();
    expect(findWaitsForCycle([], () => [])).toBeNull();
  });

  it('a retry loop that never exits reaches the step budget: bound-reached, not decided', () => {
    const m = tiny((w) => ({ seq: w.seqcount('seq') }), [
      function* (s) { for (;;) { const v = yield* s.seq.readBegin(); if (!(yield* s.seq.readRetry(v + 1))) break; } },
    ], { maxSteps: 50 });
    const ex = execute(m.model, new Set(), m.scenario, new RandomWalk(1));
    expect(ex.outcome).toMatchObject({ kind: 'bound-reached', step: 49 });
    expect(ex.outcome.message).toMatch(/^not decided within 50 steps/);
    expect(ex.schedule).toHaveLength(50);
    const run = start(m);
    expect(enabled(run)).toEqual([0]);
    const short = execute(m.model, new Set(), m.scenario, new RandomWalk(1), { maxSteps: 7 });
    expect(short.outcome).toMatchObject({ kind: 'bound-reached', step: 6 });
  });

  it('a run that has ended refuses more steps', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('one', {}); }]);
    const run = start(m);
    run.step(0);
    expect(run.outcome?.kind).toBe('ok');
    expect(() => run.step(0)).toThrow(/already ended/);
  });

  it('counts preemptions: switching away from a thread that could go on', () => {
    const two = function* (_s: unknown, t: import('../src/index.js').Thread) { yield* t.step('a', {}); yield* t.step('b', {}); };
    const m = tiny(() => ({}), [two, two]);
    expect(runSchedule(m, [0, 0, 1, 1]).preemptions).toBe(0);
    expect(runSchedule(m, [0, 1, 0, 1]).preemptions).toBe(2);
    const ex = runSchedule(m, [0, 1, 1, 0]);
    expect(ex.preemptions).toBe(1);
    expect(ex.trace?.map((e) => e.preempted)).toEqual([false, true, false, false]);
  });
});

describe('the iterator protocol of primitive calls', () => {
  it('a primitive call yields its step once, then returns its result, like a one-step generator', async () => {
    const { World } = await import('../src/index.js');
    const w = new World(1, new Set());
    const v = w.var('v', 1);
    const it1 = v.read();
    expect(it1[Symbol.iterator]()).toBe(it1);
    const first = it1.next();
    expect(first.done).toBe(false);
    expect(first.value).toMatchObject({ label: 'read v' });
    const last = it1.next(); // the call is its own final result: compare the two fields
    expect([last.value, last.done]).toEqual([1, true]);
    expect(it1.next()).toEqual({ value: undefined, done: true });
    const it2 = v.write(5);
    it2.next();
    expect(it2.return(undefined)).toEqual({ value: undefined, done: true });
    expect(v.value).toBe(1); // returned before its effect
    const it3 = v.update((x) => x + 1);
    it3.next();
    expect(() => it3.throw(new Error('stop'))).toThrow('stop');
    expect(it3.next()).toEqual({ value: undefined, done: true });
    expect(v.value).toBe(1);
  });

  it('within pops its function when the body ends, throws or is returned from', async () => {
    const { World, ThreadContext } = await import('../src/index.js');
    const w = new World(1, new Set());
    const v = w.var('v', 0);
    const ctx = new ThreadContext(0, w);
    const throwing = ctx.within('outer', (function* () {
      yield* ctx.within('inner', v.read());
      yield* v.read();
      throw new Error('bang');
    })());
    expect(ctx.fnStack).toEqual([]); // nothing happens until it runs
    throwing.next();
    expect(ctx.fnStack).toEqual(['outer', 'inner']);
    throwing.next();
    expect(ctx.fnStack).toEqual(['outer']);
    expect(() => throwing.next()).toThrow('bang');
    expect(ctx.fnStack).toEqual([]);
    const returned = ctx.within('f', v.read());
    returned.next();
    expect(returned.return(0).done).toBe(true);
    expect(ctx.fnStack).toEqual([]);
    const value = ctx.within('g', (function* () { return (yield* v.read()) + 41; })());
    value.next();
    expect(value.next()).toEqual({ value: 41, done: true });
    expect(ctx.fnStack).toEqual([]);
  });
});

describe('the step budget in the race table', () => {
  it('marks the last step "bound reached, not decided", never livelock', async () => {
    const { counterexampleOf, renderRaceTable } = await import('../src/index.js');
    const m = tiny((w) => ({ seq: w.seqcount('seq') }), [
      function* (s) { for (;;) { const v = yield* s.seq.readBegin(); if (!(yield* s.seq.readRetry(v + 1))) break; } },
    ], { maxSteps: 6 });
    const schedule = execute(m.model, new Set(), m.scenario, new RandomWalk(1)).schedule;
    const text = renderRaceTable(m.model.name, 'buggy', counterexampleOf(m.model, [], m.scenario, schedule, 'test'));
    expect(text).toContain('<== bound reached, not decided');
    expect(text).not.toMatch(/livelock/);
  });
});
