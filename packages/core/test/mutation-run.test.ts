import { describe, expect, it } from 'vitest';
import { Run, ThreadContext, World, type Steps } from '../src/index.js';
import { enabled, start, tiny } from './fixtures/harness.js';

// Mutation-testing tests (issue #11): `Run.stepListed` (the explorers' step with a listed enabled
// set) and the invariant checks between steps.

/** CPU0 and CPU1 take two free steps each; CPU2 spins on a lock CPU0 holds for its two steps. */
const threeThreads = () =>
  tiny((w) => ({ l: w.spinlock('l') }), [
    function* (s) { yield* s.l.lock(); yield* s.l.unlock(); },
    function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); },
    function* (s) { yield* s.l.lock(); yield* s.l.unlock(); },
  ]);

describe('Run.stepListed', () => {
  it('takes a listed step and counts a preemption when the last thread is listed', () => {
    const run = start(threeThreads());
    const list = enabled(run);
    run.stepListed(1, list, list.length);
    expect(run.schedule).toEqual([1]);
    expect(run.preemptions).toBe(0); // the first step preempts nobody
    const again = enabled(run);
    run.stepListed(0, again, again.length);
    expect(run.preemptions).toBe(1); // CPU1 could have gone on
    const third = enabled(run);
    expect(third).toEqual([0, 1]); // CPU2 spins on CPU0's lock
    run.stepListed(0, third, third.length); // the same thread again: no preemption
    expect(run.preemptions).toBe(1);
    expect(run.trace?.map((e) => e.preempted)).toEqual([false, true, false]);
  });

  it('a switch away from CPU1 is a preemption too (the last thread is not compared with a constant)', () => {
    const run = start(threeThreads());
    run.stepListed(1, [0, 1, 2], 3);
    run.stepListed(2, [0, 1, 2], 3);
    expect(run.preemptions).toBe(1);
  });

  it('a switch away from a thread that is not listed (it cannot go on) is free', () => {
    const m = tiny((w) => ({ l: w.spinlock('l') }), [
      function* (s) { yield* s.l.lock(); yield* s.l.lock(); },
      function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); },
    ]);
    const run = start(m);
    run.stepListed(0, [0, 1], 2);
    expect(enabled(run)).toEqual([1]); // CPU0 now spins on its own lock
    run.stepListed(1, [1], 1);
    expect(run.preemptions).toBe(0);
  });

  it('only the first `count` entries are the list: a thread past them is stepped as `step` does', () => {
    const run = start(threeThreads());
    run.step(0); // CPU0 holds the lock
    expect(run.isEnabled(2)).toBe(false);
    // CPU2 sits in the buffer past the count: it is not listed, and it cannot step.
    expect(() => run.stepListed(2, [1, 2], 1)).toThrow('CPU2 cannot take a step now');
    expect(() => run.stepListed(2, [0, 1, 2], 2)).toThrow('CPU2 cannot take a step now');
    expect(run.schedule).toEqual([0]);
  });

  it('a thread left out of the list is stepped by `step`, which looks at the run itself', () => {
    // CPU0 can go on but the list leaves it out: `step` counts the preemption anyway.
    const run = start(threeThreads());
    run.step(0);
    run.stepListed(1, [], 0);
    expect(run.schedule).toEqual([0, 1]);
    expect(run.preemptions).toBe(1);
  });

  it('trusts the list it is given: a last thread left out of it counts as unable to go on', () => {
    // The driver's list is used as it is (the run does not ask every thread again): CPU0 could go
    // on, but a list without it makes the switch free.
    const run = start(threeThreads());
    run.step(0);
    run.stepListed(1, [1], 1);
    expect(run.preemptions).toBe(0);
    expect(run.trace?.map((e) => e.preempted)).toEqual([false, false]);
  });

  it('refuses a run that ended in a failure, though a listed thread still has a step', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); t.oops('boom'); }, function* (_s, t) { yield* t.step('b', {}); }]);
    const run = start(m);
    run.stepListed(0, [0, 1], 2);
    expect(run.outcome?.kind).toBe('oops');
    expect(run.pendingStep(1)?.label).toBe('b');
    expect(() => run.stepListed(1, [1], 1)).toThrow('the run has already ended');
    expect(run.schedule).toEqual([0]);
  });

  it('refuses a finished thread and an ended run, even when listed', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('b', {}); yield* t.step('c', {}); }]);
    const run = start(m);
    run.stepListed(0, [0, 1], 2);
    expect(run.isAlive(0)).toBe(false);
    expect(() => run.stepListed(0, [0, 1], 2)).toThrow('CPU0 cannot take a step now');
    run.stepListed(1, [0, 1], 2);
    run.stepListed(1, [1], 1);
    expect(run.outcome?.kind).toBe('ok');
    expect(() => run.stepListed(1, [1], 1)).toThrow('the run has already ended');
    expect(run.schedule).toEqual([0, 1, 1]);
  });
});

describe('Run checks', () => {
  it('a thread id past the end is not enabled', () => {
    const run = new Run(threeThreads().model, new Set(), threeThreads().scenario);
    expect(run.isEnabled(3)).toBe(false);
    expect(run.isEnabled(-1)).toBe(false);
    expect(run.isEnabled(0)).toBe(true);
  });

  it('world.current is -1 again after a step whose thread threw', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); t.oops('boom'); }, function* (_s, t) { yield* t.step('b', {}); }]);
    const run = start(m);
    run.step(0);
    expect(run.outcome?.kind).toBe('oops');
    expect(run.world.current).toBe(-1);
  });

  it('an invariant whose check throws between steps is a violation naming the error', () => {
    const m = tiny((w) => ({ v: w.var('v', 0) }), [function* (s) { yield* s.v.write(1); yield* s.v.write(2); }], {
      invariants: [{ name: 'picky', description: 'never consulted', check: (s) => { if (s.v.value === 1) throw new Error('v is one'); return true; } }],
    });
    const run = start(m);
    run.step(0);
    expect(run.outcome).toEqual({ kind: 'violation', invariant: 'picky', message: 'the check threw v is one', step: 0 });
  });
});

describe('within frames', () => {
  it('ending a frame that never started leaves the enclosing frames alone', () => {
    const w = new World(1, new Set());
    const v = w.var('v', 0);
    const ctx = new ThreadContext(0, w);
    const outer = ctx.within('outer', v.read());
    outer.next();
    expect(ctx.fnStack).toEqual(['outer']);
    expect(ctx.within('f', v.read()).return(5)).toEqual({ value: 5, done: true });
    expect(ctx.fnStack).toEqual(['outer']);
    expect(() => ctx.within('g', v.read()).throw(new Error('early'))).toThrow('early');
    expect(ctx.fnStack).toEqual(['outer']);
  });

  it('a body that catches a throw and returns at once leaves its frame', () => {
    const w = new World(1, new Set());
    const v = w.var('v', 0);
    const ctx = new ThreadContext(0, w);
    const catching = ctx.within('h', (function* (): Steps<string> {
      try {
        yield* v.read();
      } catch {
        return 'caught';
      }
      return 'plain';
    })());
    catching.next();
    expect(ctx.fnStack).toEqual(['h']);
    expect(catching.throw(new Error('x'))).toEqual({ value: 'caught', done: true });
    expect(ctx.fnStack).toEqual([]);
  });
});
