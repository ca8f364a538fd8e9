import { describe, expect, it } from 'vitest';
import {
  counterexampleOf, execute, findWaitsForCycle, hunt, makeStrategy, Pct, Prng, RandomWalk, Replay, ReplayMismatchError, replaySchedule, Run, ThreadContext, World,
  type Steps, type Strategy, type Thread,
} from '../src/index.js';
import { lostUpdate } from './fixtures/lost-update.js';
import { enabled, runSchedule, start, tiny } from './fixtures/harness.js';

// Mutation-testing tests (issue #11): the run, execute, thread API, hunt and the strategies.

/** A strategy that always picks the given thread, to drive `execute` into misuse. */
const always = (tid: number): Strategy => ({ name: 'always', beginExecution() {}, pick: () => tid });

describe('a run', () => {
  it('world.current is the running thread inside a step and -1 outside', () => {
    const seen: number[] = [];
    const m = tiny((w) => ({ v: w.var('v', 0), w }), [
      function* (s) { seen.push(s.w.current); yield* s.v.read(); seen.push(s.w.current); },
      function* (s) { seen.push(s.w.current); yield* s.v.read(); seen.push(s.w.current); },
    ], { invariants: [{ name: 'outside', description: 'checked outside steps', check: (s) => s.w.current === -1 }] });
    const run = start(m);
    expect(run.world.current).toBe(-1);
    run.step(1);
    expect(run.world.current).toBe(-1);
    run.step(0);
    expect(run.outcome?.kind).toBe('ok');
    expect(seen).toEqual([0, 1, 1, 0]);
  });

  it('execute refuses a strategy that picks a thread that cannot run', () => {
    const m = tiny((w) => ({ l: w.spinlock('l') }), [function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }, function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }]);
    expect(() => execute(m.model, new Set(), m.scenario, new Replay([0, 1]))).toThrow('CPU1 cannot run there');
    // A strategy that names a blocked thread gets the run's own error.
    let n = 0;
    const blocked: Strategy = { name: 'x', beginExecution() {}, pick: () => (n++ === 0 ? 0 : 1) };
    expect(() => execute(m.model, new Set(), m.scenario, blocked)).toThrow('CPU1 cannot take a step now');
    expect(() => execute(m.model, new Set(), m.scenario, always(5))).toThrow('CPU5 cannot take a step now');
  });

  it('a run cannot step a finished thread or one past the end', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('b', {}); yield* t.step('c', {}); }]);
    const run = start(m);
    run.step(0);
    expect(run.isAlive(0)).toBe(false);
    expect(run.pendingStep(0)).toBeNull();
    expect(run.isEnabled(0)).toBe(false);
    expect(() => run.step(0)).toThrow('CPU0 cannot take a step now');
    expect(run.pendingStep(7)).toBeNull();
    expect(run.isAlive(7)).toBe(false);
    expect(run.threadCount).toBe(2);
    expect(run.steps).toBe(1);
  });

  it('an execution carries a trace and the final state only when traced', () => {
    const plain = execute(lostUpdate, new Set(), [['increment']], new RandomWalk(1));
    expect('trace' in plain).toBe(false);
    expect('finalState' in plain).toBe(false);
    const traced = execute(lostUpdate, new Set(), [['increment']], new RandomWalk(1), { trace: true });
    expect(traced.finalState).toBe('counter=1, increments=1');
    expect(traced.trace).toHaveLength(2);
    const noDescribe = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }]);
    const ex = execute(noDescribe.model, new Set(), noDescribe.scenario, new RandomWalk(1), { trace: true });
    expect('finalState' in ex).toBe(false);
    expect(ex.trace).toEqual([{ index: 0, thread: 0, operation: 'p0', fn: 'p0', label: 'a', accesses: [], preempted: false }]);
  });

  it('the strategy is told how many steps each execution took', () => {
    const told: number[] = [];
    const begun: number[] = [];
    const s: Strategy = { name: 'spy', beginExecution: (n) => begun.push(n), pick: (e) => e[0] as number, endExecution: (k) => told.push(k) };
    execute(lostUpdate, new Set(), [['increment'], ['increment', 'increment']], s);
    expect(begun).toEqual([2]);
    expect(told).toEqual([6]);
  });

  it('a thread that throws something that is not an Error is an oops naming it', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); throw 42; }]);
    expect(runSchedule(m, [0]).outcome).toEqual({ kind: 'oops', message: 'CPU0 threw 42', step: 0, thread: 0 });
    const before = tiny(() => ({}), [function* () { throw new RangeError('early'); }]);
    expect(execute(before.model, new Set(), before.scenario, new RandomWalk(1)).outcome).toEqual({ kind: 'oops', message: 'CPU0 threw RangeError: early', step: -1, thread: 0 });
  });

  it('the first failure wins: a failing thread ends the run before the others start', () => {
    const m = tiny(() => ({ started: [] as number[] }), [
      function* (s, t) { s.started.push(0); t.oops('first'); yield* t.step('never', {}); },
      function* (s, t) { s.started.push(1); t.oops('second'); yield* t.step('never', {}); },
    ]);
    const run = start(m);
    expect(run.outcome).toMatchObject({ kind: 'oops', message: 'first', thread: 0, step: -1 });
    expect(run.s.started).toEqual([0]);
  });

  it('a run whose threads take no step ends at once, and checks the end invariants', () => {
    const m = tiny(() => ({ x: 1 }), [function* () {}, function* () {}], { invariants: [{ name: 'end', description: 'x is 2 at the end', at: 'end', check: (s) => s.x === 2 }] });
    const run = start(m);
    expect(run.outcome).toEqual({ kind: 'violation', invariant: 'end', message: 'x is 2 at the end', step: -1 });
    const ok = tiny(() => ({}), [function* () {}]);
    expect(start(ok).outcome).toEqual({ kind: 'ok', message: 'every thread finished and every invariant holds', step: -1 });
  });

  it('after every step the first failing invariant is reported, `end` ones only at the end', () => {
    const m = tiny((w) => ({ v: w.var('v', 0) }), [function* (s, t) { yield* s.v.write(1); yield* s.v.write(2); yield* t.step('after', {}); }], {
      invariants: [
        { name: 'end-only', description: 'never at the end', at: 'end', check: () => false },
        { name: 'below-2', description: 'v < 2', check: (s) => s.v.value < 2 },
        { name: 'below-3', description: 'v < 3', check: (s) => s.v.value < 3 },
      ],
    });
    const run = start(m);
    run.step(0);
    expect(run.outcome).toBeNull();
    run.step(0);
    expect(run.outcome).toEqual({ kind: 'violation', invariant: 'below-2', message: 'v < 2', step: 1 });
    const atEnd = tiny((w) => ({ v: w.var('v', 0) }), [function* (s) { yield* s.v.write(1); }], {
      invariants: [{ name: 'fine', description: 'x', check: () => true }, { name: 'end-only', description: 'never at the end', at: 'end', check: () => 'it broke' }],
    });
    expect(runSchedule(atEnd, [0]).outcome).toEqual({ kind: 'violation', invariant: 'end-only', message: 'it broke', step: 0 });
    const thrown = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }], { invariants: [{ name: 'x', description: 'x', check: () => { throw 'text'; } }] });
    expect(runSchedule(thrown, [0]).outcome.message).toBe('the check threw text');
  });

  it('the step budget counts steps; a run ending on the budget step has not reached the bound', () => {
    const m = tiny(() => ({}), [function* (_s, t) { for (let i = 0; i < 3; i++) yield* t.step('s', {}); }], { maxSteps: 3 });
    expect(runSchedule(m, [0, 0, 0]).outcome.kind).toBe('ok');
    const long = tiny(() => ({}), [function* (_s, t) { for (let i = 0; i < 4; i++) yield* t.step('s', {}); }], { maxSteps: 3 });
    expect(execute(long.model, new Set(), long.scenario, new RandomWalk(1)).outcome).toEqual({ kind: 'bound-reached', message: 'not decided within 3 steps (bound reached: a retry loop that never exits, or a budget too small?)', step: 2 });
  });

  it('declares a deadlock with every blocked thread, in id order', () => {
    const m = tiny((w) => ({ a: w.var('a', 0), b: w.var('b', 0) }), [
      function* (s, t) { yield* t.step('x', {}); },
      function* (s, t) { yield* t.awaitChange('wait a', [s.a]); },
      function* (s, t) { yield* t.awaitChange('wait b', [s.b]); },
    ]);
    const ex = runSchedule(m, [0]);
    expect(ex.outcome).toEqual({ kind: 'deadlock', message: 'no thread can step: CPU1 at wait a; CPU2 at wait b', step: 0 });
  });

  it('counts a preemption only when the previous thread could have gone on', () => {
    const m = tiny((w) => ({ l: w.spinlock('l') }), [
      function* (s) { yield* s.l.lock(); yield* s.l.lock(); },
      function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); },
    ]);
    // CPU0 blocks on its own lock: switching to CPU1 is free.
    const run = start(m);
    run.step(0);
    run.step(1);
    expect(run.preemptions).toBe(0);
    const other = start(tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); }, function* (_s, t) { yield* t.step('c', {}); }]));
    other.step(0);
    other.step(1);
    expect(other.preemptions).toBe(1);
    expect(other.trace?.map((e) => e.preempted)).toEqual([false, true]);
    // A thread that finished can be switched away from for free.
    const done = start(tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('c', {}); }]));
    done.step(0);
    done.step(1);
    expect(done.preemptions).toBe(0);
  });

  it('execute counts preemptions the same way', () => {
    const blocked = tiny((w) => ({ l: w.spinlock('l') }), [
      function* (s) { yield* s.l.lock(); yield* s.l.lock(); },
      function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); },
    ]);
    const ex = execute(blocked.model, new Set(), blocked.scenario, new Replay([0, 1, 1]));
    expect(ex.outcome.kind).toBe('deadlock');
    expect(ex.preemptions).toBe(0);
    const two = (_s: unknown, t: Thread) => (function* () { yield* t.step('a', {}); yield* t.step('b', {}); })();
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (s, t) { yield* two(s, t); }, function* (s, t) { yield* two(s, t); }]);
    expect(runSchedule(m, [0, 1, 1, 2, 2]).preemptions).toBe(0);
    expect(runSchedule(m, [0, 1, 2, 1, 2]).preemptions).toBe(2);
    expect(runSchedule(m, [1, 0, 1, 2, 2]).trace?.map((e) => e.preempted)).toEqual([false, true, false, false, false]);
  });

  it('a declared step has no result of its own', () => {
    const got: unknown[] = [];
    const m = tiny(() => ({}), [function* (_s, t) { got.push(yield* t.step('a', {})); }]);
    runSchedule(m, [0]);
    expect(got).toEqual([undefined]);
  });
});

describe('the thread API', () => {
  it('step declares reads then writes and has no effect of its own', () => {
    const m = tiny((w) => ({ x: w.var('x', 1), y: w.var('y', 2), z: w.var('z', 3) }), [
      function* (s, t) { yield* t.step('z = x + y', { reads: [s.x, s.y], writes: [s.z] }); s.z.value = s.x.value + s.y.value; },
    ]);
    const ex = runSchedule(m, [0]);
    expect(ex.trace?.[0]?.accesses).toEqual([
      { name: 'x', kind: 'var', mode: 'read', value: '1' },
      { name: 'y', kind: 'var', mode: 'read', value: '2' },
      { name: 'z', kind: 'var', mode: 'write', value: '3' },
    ]);
    const run = start(m);
    expect(run.pendingStep(0)?.enabled).toBeUndefined();
  });

  it('awaitChange blocks until any of its variables is written, and reads them', () => {
    const m = tiny((w) => ({ a: w.var('a', 0), b: w.var('b', 0) }), [
      function* (s, t) { yield* t.awaitChange('wait a or b', [s.a, s.b]); },
      function* (s) { yield* s.b.write(1); },
    ]);
    const run = start(m);
    expect(run.pendingStep(0)?.accesses.map((a) => `${a.obj.name}:${a.mode}`)).toEqual(['a:read', 'b:read']);
    expect(enabled(run)).toEqual([1]);
    run.step(1);
    expect(enabled(run)).toEqual([0]);
  });

  it('fixed() reads the run variant', () => {
    const m = tiny(() => ({ seen: [] as boolean[] }), [function* (s, t: Thread) { s.seen.push(t.fixed('f'), t.fixed('g'), t.world.fixed('f')); yield* t.step('a', {}); }], { fixes: ['f', 'g'] });
    expect(start(m, ['f']).s.seen).toEqual([true, false, true]);
    expect(start(m, []).s.seen).toEqual([false, false, false]);
  });

  it('warnOn and bugOn are quiet when their condition is false', () => {
    const m = tiny(() => ({}), [function* (_s, t: Thread) { t.warnOn(false, 'w'); t.bugOn(false, 'b'); yield* t.step('a', {}); t.assert(1 < 2, 'holds'); }]);
    expect(runSchedule(m, [0]).outcome.kind).toBe('ok');
    const gave = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); t.gaveUp('out of retries'); yield* t.step('never', {}); }, function* (_s, t) { yield* t.step('b', {}); }]);
    const ex = runSchedule(gave, [0, 1]);
    expect(ex.outcome.kind).toBe('ok');
    expect(ex.gaveUp).toEqual([0]);
    expect(ex.schedule).toEqual([0, 1]);
  });

  it('within: return and throw before the body starts, and a body that catches a throw', () => {
    const w = new World(1, new Set());
    const v = w.var('v', 0);
    const ctx = new ThreadContext(0, w);
    expect(ctx.currentFunction()).toBe('');
    ctx.op = 'op';
    expect(ctx.currentFunction()).toBe('op');

    const early = ctx.within('f', v.read());
    expect(early.return(5)).toEqual({ value: 5, done: true });
    expect(early.next()).toEqual({ value: undefined, done: true });
    expect(ctx.fnStack).toEqual([]);

    const thrown = ctx.within('f', v.read());
    expect(() => thrown.throw(new Error('before'))).toThrow('before');
    expect(thrown.next()).toEqual({ value: undefined, done: true });
    expect(ctx.fnStack).toEqual([]);

    const catching = ctx.within('g', (function* (): Steps<string> {
      try {
        yield* v.read();
      } catch {
        yield* v.write(1);
        return 'recovered';
      }
      return 'plain';
    })());
    catching.next();
    expect(ctx.currentFunction()).toBe('g');
    const r = catching.throw(new Error('x'));
    expect(r.done).toBe(false);
    expect(r.value).toMatchObject({ label: 'write v' });
    expect(ctx.fnStack).toEqual(['g']);
    expect(catching.next()).toEqual({ value: 'recovered', done: true });
    expect(ctx.fnStack).toEqual([]);
    expect(catching[Symbol.iterator]()).toBe(catching);
  });

  it('within: return runs the body finally, which may take steps or throw', () => {
    const w = new World(1, new Set());
    const v = w.var('v', 0);
    const ctx = new ThreadContext(0, w);
    const cleanup = ctx.within('h', (function* () {
      try {
        yield* v.read();
      } finally {
        yield* v.write(9);
      }
    })());
    cleanup.next();
    const r = cleanup.return(undefined);
    expect(r.done).toBe(false);
    expect(ctx.fnStack).toEqual(['h']);
    expect(cleanup.next().done).toBe(true);
    expect(ctx.fnStack).toEqual([]);

    const failing = ctx.within('k', (function* () {
      try {
        yield* v.read();
      } finally {
        // eslint-disable-next-line no-unsafe-finally
        throw new Error('in finally');
      }
    })());
    failing.next();
    expect(() => failing.return(undefined as never)).toThrow('in finally');
    expect(ctx.fnStack).toEqual([]);

    const rethrow = ctx.within('m', (function* () {
      yield* v.read();
    })());
    rethrow.next();
    expect(() => rethrow.throw(new Error('out'))).toThrow('out');
    expect(ctx.fnStack).toEqual([]);
  });
});

describe('strategies', () => {
  it('Replay names the enabled threads when the schedule does not fit', () => {
    expect(() => new Replay([1]).pick([], 0, -1, 0)).toThrow('step 0: CPU1 cannot run there (enabled: none)');
    expect(() => new Replay([0, 1]).pick([0, 2, 3], 2, 0, 1)).toThrow('step 1: CPU1 cannot run there (enabled: CPU0, CPU2)');
    expect(new Replay([0, 3]).pick([0, 2, 3], 3, 0, 1)).toBe(3);
    try {
      new Replay([]).pick([0], 1, -1, 0);
    } catch (err) {
      expect(err).toBeInstanceOf(ReplayMismatchError);
      expect((err as Error).name).toBe('ReplayMismatch');
      expect((err as Error).message).toBe('the schedule has 0 steps but the run goes on');
    }
  });

  it('a forced choice does not advance the random stream', () => {
    const a = new Prng(77);
    const b = new Prng(77);
    expect([a.below(1), a.below(0)]).toEqual([0, 0]);
    expect([a.nextU32(), a.below(6)]).toEqual([b.nextU32(), b.below(6)]);
    expect(new Replay([]).name).toBe('replay');
  });

  it('RandomWalk picks among the listed enabled threads only', () => {
    const rw = new RandomWalk(3);
    const picks = new Set<number>();
    for (let i = 0; i < 200; i++) picks.add(rw.pick([4, 7, 9, 1000], 3));
    expect([...picks].sort()).toEqual([4, 7, 9]);
    expect(rw.pick([5], 1)).toBe(5);
    expect(rw.name).toBe('random');
  });

  it('PCT: at most depth-1 preemptions per execution, and it uses them', () => {
    const many = function* (_s: unknown, t: Thread) { for (let i = 0; i < 6; i++) yield* t.step('s', {}); };
    const m = tiny(() => ({}), [many, many, many]);
    for (const depth of [2, 3]) {
      const p = new Pct(5, depth, 18);
      let most = 0;
      for (let i = 0; i < 150; i++) {
        const ex = execute(m.model, new Set(), m.scenario, p);
        expect(ex.preemptions).toBeLessThanOrEqual(depth - 1);
        most = Math.max(most, ex.preemptions);
      }
      expect(most).toBe(depth - 1);
    }
  });

  it('PCT: every thread runs first in some execution, and the first thread runs to its end without a change point', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('b', {}); yield* t.step('b', {}); }, function* (_s, t) { yield* t.step('c', {}); yield* t.step('c', {}); }]);
    const p = new Pct(9, 1);
    const firsts = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const ex = execute(m.model, new Set(), m.scenario, p);
      firsts.add(ex.schedule[0] as number);
      expect(ex.schedule[1]).toBe(ex.schedule[0]);
    }
    expect([...firsts].sort()).toEqual([0, 1, 2]);
  });

  it('PCT: change points keep their range when a shorter execution follows a long one', () => {
    // Learnt lengths only grow: after a 40-step execution, a 2-step one must not shrink the range
    // change points are drawn from, so a depth-2 PCT still preempts late in a long execution.
    const long = function* (_s: unknown, t: Thread) { for (let i = 0; i < 20; i++) yield* t.step('s', {}); };
    const m = tiny(() => ({}), [long, long]);
    const p = new Pct(2, 2, 2);
    p.endExecution(40);
    p.endExecution(2);
    let late = 0;
    for (let i = 0; i < 60; i++) {
      const ex = execute(m.model, new Set(), m.scenario, p);
      const at = ex.schedule.findIndex((t, k) => k > 0 && t !== ex.schedule[k - 1]);
      if (at >= 10 && at < 20) late++;
    }
    expect(late).toBeGreaterThan(0);
  });

  it('makeStrategy: pct with its depth, otherwise a random walk', () => {
    const p = makeStrategy('pct', 1, 4);
    expect(p).toBeInstanceOf(Pct);
    expect((p as Pct).depth).toBe(4);
    expect((makeStrategy('pct', 1) as Pct).depth).toBe(3);
    expect(makeStrategy('random', 1)).toBeInstanceOf(RandomWalk);
    expect(new Pct(1).depth).toBe(3);
    expect(p.name).toBe('pct');
  });
});

describe('the waits-for search', () => {
  const search = (blocked: number[], g: Record<number, number[]>) => findWaitsForCycle(blocked, (t) => g[t] ?? []);

  it('a thread reached again after its search ended is not a cycle', () => {
    expect(search([0, 1, 2], { 0: [1], 2: [0] })).toBeNull();
    expect(search([0, 1, 2, 3], { 0: [1, 2], 1: [3], 2: [3] })).toBeNull();
  });

  it('keeps looking after a dead end, from the same thread and from later ones', () => {
    expect(search([0, 1, 2], { 0: [1, 2], 2: [0] })).toEqual([0, 2, 0]);
    expect(search([0, 1, 2], { 1: [2], 2: [1] })).toEqual([1, 2, 1]);
    expect(search([0, 1, 2, 3], { 0: [1], 1: [], 2: [3], 3: [2] })).toEqual([2, 3, 2]);
    expect(search([5], { 5: [5] })).toEqual([5, 5]);
  });
});

describe('hunt', () => {
  it('counts every outcome, step and give-up, and reports progress', () => {
    const m = tiny((w) => ({ v: w.var('v', 0) }), [function* (s, t) { yield* s.v.read(); t.gaveUp('no'); }, function* (s) { yield* s.v.write(1); }]);
    const progress: number[] = [];
    const r = hunt(m.model, { fixes: [], seed: 1, runs: 10, strategy: 'random', scenarios: [m.scenario], progressEvery: 4, onProgress: (d) => progress.push(d) });
    expect(r).toEqual({ found: false, runs: 10, steps: 20, outcomes: { ok: 10, violation: 0, oops: 0, warn: 0, deadlock: 0, 'bound-reached': 0, 'data-race': 0 }, gaveUp: 10 });
    expect(progress).toEqual([4, 8]);
    const quiet: number[] = [];
    hunt(m.model, { fixes: [], seed: 1, runs: 999, strategy: 'random', scenarios: [m.scenario], onProgress: (d) => quiet.push(d) });
    hunt(m.model, { fixes: [], seed: 1, runs: 1000, strategy: 'random', scenarios: [m.scenario], onProgress: (d) => quiet.push(d) });
    expect(quiet).toEqual([1000]);
  });

  it('cycles through the scenarios and stops at the first failure, with its counterexample', () => {
    const scenarios = [[['increment']], [['increment'], ['increment']]];
    const r = hunt(lostUpdate, { fixes: [], seed: 7, runs: 1000, strategy: 'random', scenarios });
    expect(r.found).toBe(true);
    expect(r.runs % 2).toBe(0); // only the two-thread scenario (every second run) can fail
    expect(r.outcomes.violation).toBe(1);
    expect(r.outcomes.ok).toBe(r.runs - 1);
    expect(r.gaveUp).toBe(0);
    const cx = r.counterexample!;
    expect(cx).toMatchObject({ threads: 2, operations: 2, steps: 4, engine: 'random', scenario: scenarios[1], finalState: 'counter=1, increments=2' });
    expect(cx.steps).toBe(cx.schedule.length);
    expect(cx.trace).toHaveLength(4);
    expect(r.steps).toBe(2 * (r.runs / 2) + 4 * (r.runs / 2));
  });

  it('uses the catalogue by default, and refuses a model without scenarios', () => {
    expect(hunt(lostUpdate, { fixes: ['take-lock'], seed: 1, runs: 3, strategy: 'pct' })).toMatchObject({ found: false, runs: 3, steps: 24 });
    const m = tiny(() => ({}), [function* () {}]);
    expect(() => hunt(m.model, { fixes: [], seed: 1, runs: 1, strategy: 'random' })).toThrow("model 'tiny': nothing to hunt in: its scenario catalogue is empty");
  });

  it('a counterexample of a model without describeState has no final state; a failing one of a passing schedule is its outcome', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); t.oops('bad'); }]);
    const cx = counterexampleOf(m.model, [], m.scenario, [0], 'fast-check');
    expect('finalState' in cx).toBe(false);
    expect(cx).toMatchObject({ threads: 1, operations: 1, preemptions: 0, steps: 1, engine: 'fast-check', outcome: { kind: 'oops', message: 'bad' } });
    expect(replaySchedule(lostUpdate, ['take-lock'], [['increment']], [0, 0, 0, 0]).outcome.kind).toBe('ok');
    expect(replaySchedule(lostUpdate, ['take-lock'], [['increment']], [0, 0, 0, 0]).trace).toBeUndefined();
  });
});

describe('Run used directly', () => {
  it('enabledThreads fills the buffer in id order and returns the count', () => {
    const m = tiny((w) => ({ l: w.spinlock('l') }), [function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }, function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }, function* (_s, t) { yield* t.step('free', {}); }]);
    const run = new Run(m.model, new Set(), m.scenario);
    const buf = [9, 9, 9, 9];
    expect(run.enabledThreads(buf)).toBe(3);
    expect(buf).toEqual([0, 1, 2, 9]);
    run.step(0);
    expect(run.enabledThreads(buf)).toBe(2);
    expect(buf.slice(0, 2)).toEqual([0, 2]);
    expect(run.trace).toBeUndefined();
    expect(run.describeState()).toBeUndefined();
  });
});
