import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextSwitches, defineModel, execute, replaySchedule, scenarioSize, type Var } from '@kvmrace/core';
import { lostUpdate } from '@kvmrace/examples';
import {
  findMinimalRace,
  noRace,
  normaliseSchedule,
  PreemptionPoints,
  raceReport,
  scenarioAllowed,
  scenarioArbitrary,
  scheduleArbitrary,
} from '../src/index.js';
import { raceTest } from '../src/vitest.js';

describe('scenarioArbitrary', () => {
  it('stays inside the model scenario space', () => {
    fc.assert(
      fc.property(scenarioArbitrary(lostUpdate), (s) => {
        expect(scenarioAllowed(lostUpdate, s)).toBe(true);
        const { threads, operations } = scenarioSize(s);
        expect(threads).toBeLessThanOrEqual(3);
        expect(operations).toBeLessThanOrEqual(4);
        for (const ops of s) expect(ops.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('narrows with threads and maxOps', () => {
    fc.assert(
      fc.property(scenarioArbitrary(lostUpdate, { threads: 2, maxOps: 3, catalogueWeight: 0 }), (s) => {
        const { threads, operations } = scenarioSize(s);
        return threads <= 2 && operations <= 3;
      }),
      { numRuns: 300 },
    );
  });
});

describe('PreemptionPoints', () => {
  it('without points runs each thread to completion, lowest first (no preemption)', () => {
    const e = execute(lostUpdate, new Set(), [['increment'], ['increment'], ['increment']], new PreemptionPoints([]));
    expect(e.schedule).toEqual([0, 0, 1, 1, 2, 2]);
    expect(e.preemptions).toBe(0);
  });

  it('switches to the chosen other thread at a point', () => {
    const e = execute(lostUpdate, new Set(), [['increment'], ['increment'], ['increment']], new PreemptionPoints([{ at: 1, to: 1 }]));
    expect(e.schedule.slice(0, 2)).toEqual([0, 2]);
    expect(e.preemptions).toBe(1);
  });

  it('any data is a legal schedule and each effective point is one preemption', () => {
    fc.assert(
      fc.property(scenarioArbitrary(lostUpdate), scheduleArbitrary({ horizon: 10, threads: 3 }), (s, data) => {
        const fixes = new Set(['take-lock']);
        const e = execute(lostUpdate, fixes, s, new PreemptionPoints(data));
        expect(e.outcome.kind).toBe('ok');
        expect(e.preemptions).toBeLessThanOrEqual(data.length);
        // the recorded schedule replays exactly
        expect(replaySchedule(lostUpdate, ['take-lock'], s, e.schedule).schedule).toEqual(e.schedule);
      }),
      { numRuns: 300 },
    );
  });
});

describe('normaliseSchedule', () => {
  // left: p = 1; q = 1.   right: r = 1; BUG_ON(p == 1).
  const toy = defineModel({
    name: 'toy',
    title: 'toy',
    summary: 'independent steps to reorder',
    fixes: {},
    operations: {
      left: {
        summary: 'writes p then q',
        kernel: 'left()',
        *run(s: { p: Var<number>; q: Var<number>; r: Var<number> }) {
          yield* s.p.write(1);
          yield* s.q.write(1);
        },
      },
      right: {
        summary: 'writes r then reads p',
        kernel: 'right()',
        *run(s: { p: Var<number>; q: Var<number>; r: Var<number> }, t) {
          yield* s.r.write(1);
          const p = yield* s.p.read();
          t.bugOn(p === 1, 'p was set');
        },
      },
    },
    setup: (w) => ({ p: w.var('p', 0), q: w.var('q', 0), r: w.var('r', 0) }),
    invariants: [],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'lr', threads: [['left'], ['right']] }] },
  });

  it('moves an independent step across a switch and keeps the failure', () => {
    const scenario = [['left'], ['right']];
    const before = [1, 0, 1];
    expect(replaySchedule(toy, [], scenario, before).outcome.kind).toBe('oops');
    const after = normaliseSchedule(toy, [], scenario, before);
    expect(contextSwitches(after)).toBe(1);
    expect(after).toEqual([0, 1, 1]);
    expect(replaySchedule(toy, [], scenario, after).outcome.kind).toBe('oops');
  });

  it('leaves conflicting steps alone', () => {
    const s = [['increment'], ['increment']];
    expect(normaliseSchedule(lostUpdate, [], s, [0, 1, 1, 0])).toEqual([0, 1, 1, 0]);
  });
});

describe('lost-update properties', () => {
  it('fixed holds for 2,000 runs', () => {
    fc.assert(noRace(lostUpdate, { variant: 'fixed' }), { numRuns: 2_000, seed: 7 });
  });

  it('buggy fails under fc.assert with a replay token', () => {
    let error: unknown;
    try {
      fc.assert(noRace(lostUpdate, { variant: 'buggy' }), { numRuns: 2_000, seed: 7 });
    } catch (err) {
      error = err;
    }
    expect(String((error as Error).message)).toContain('Counterexample');
    expect(String(((error as Error).cause as Error).message)).toMatch(/violation of no-lost-update.*kvmrace replay kr1\./);
  });

  it('across 20 seeds the race shrinks to 2 threads, 2 operations, 1 preemption, 4 steps', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = findMinimalRace(lostUpdate, { variant: 'buggy', seed });
      expect(r.found).toBe(true);
      const cx = r.counterexample!;
      expect([cx.threads, cx.operations, cx.preemptions, cx.steps, contextSwitches(cx.schedule)], `seed ${seed}`).toEqual([2, 2, 1, 4, 2]);
      expect(cx.engine).toBe('fast-check');
      expect(cx.outcome.invariant).toBe('no-lost-update');
    }
  });

  it('prints a race table, the seed and path, and the token', () => {
    const text = raceReport(findMinimalRace(lostUpdate, { variant: 'buggy', seed: 3 }));
    expect(text).toContain('CPU1: increment');
    expect(text).toMatch(/seed 3, path "[0-9:]*"/);
    expect(text).toContain('kvmrace replay kr1.');
  });
});

raceTest('raceTest: lost-update fixed holds', lostUpdate, { variant: 'fixed', seed: 11 });
raceTest('raceTest: lost-update buggy races', lostUpdate, { expect: 'races', seed: 11 });
