import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineModel, execute, type AnyModel, type Execution, type Lock, type Scenario, type Strategy, type Var } from '@kvmrace/core';
import { lostUpdate, seqcountReader } from '@kvmrace/examples';
import { pfncache } from '@kvmrace/pfncache';
import { PreemptionPoints, scenarioArbitrary, scheduleArbitrary, type PreemptionPoint, type ScheduleData } from '../src/index.js';

// Today's change to PreemptionPoints (issue #8): points already in step order are used as they
// are, anything else is sorted into a copy (stable: the first point given for a step wins; points
// not on a whole step >= 0 never apply), and a cursor walks them as the run goes (starting again
// when asked out of order); scheduleArbitrary decodes its codes into step order.
// Everything here is checked against `Reference`, written from the documented semantics: a Map
// from each step to the FIRST `to` given for it, looked up step by step.

/** The documented semantics, the plain way: a Map from step to the first `to` given for it. */
class Reference {
  readonly byStep = new Map<number, number>();

  constructor(points: readonly PreemptionPoint[]) {
    for (const p of points) {
      if (Number.isInteger(p.at) && p.at >= 0 && !this.byStep.has(p.at)) this.byStep.set(p.at, p.to);
    }
  }

  pick(enabled: readonly number[], count: number, current: number, stepIndex: number): number {
    const list = enabled.slice(0, count);
    const currentEnabled = list.includes(current);
    const to = this.byStep.get(stepIndex);
    if (to !== undefined) {
      const others = list.filter((t) => t !== current);
      if (others.length > 0) return others[to % others.length] as number;
    }
    return currentEnabled ? current : (list[0] as number);
  }

  /** The first step at or after `stepIndex` with a point. */
  nextPoint(stepIndex: number): number {
    let best = Infinity;
    for (const at of this.byStep.keys()) if (at >= stepIndex && at < best) best = at;
    return best;
  }
}

/** The reference as a core Strategy (no keepsCurrentUntil: every step is asked). */
function referenceStrategy(points: readonly PreemptionPoint[]): Strategy {
  const ref = new Reference(points);
  return { name: 'reference', beginExecution() {}, pick: (e, n, c, i) => ref.pick(e, n, c, i) };
}

/** True when every point is on a whole step >= 0, each on a later step than the one before. */
function inStepOrder(points: readonly PreemptionPoint[]): boolean {
  return points.every((p, i) => Number.isInteger(p.at) && p.at >= 0 && (i === 0 || p.at >= (points[i - 1] as PreemptionPoint).at));
}

/** -0 is step 0 too (a point at -0 applies at step 0): compare step numbers as numbers. */
const num = (n: number): number => (n === 0 ? 0 : n);

// ---------------------------------------------------------------------------------------------
// Arbitraries

const anyAt = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 30 }), weight: 8 },
  { arbitrary: fc.integer({ min: -6, max: -1 }), weight: 1 },
  { arbitrary: fc.double(), weight: 1 }, // fractional, NaN, ±Infinity, -0, huge
  { arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0.5, 2.5, 7.000001, 1e300, -1e300, Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 31, Number.MAX_VALUE), weight: 1 },
);
const anyTo = fc.oneof({ arbitrary: fc.nat({ max: 6 }), weight: 4 }, { arbitrary: fc.nat(), weight: 1 });
const rawPoints = fc.array(fc.record({ at: anyAt, to: anyTo }), { maxLength: 24 });
/** Raw lists, lists sorted by step (stable, duplicates kept: the as-is path when whole steps from 0) and lists strictly in step order. */
const pointLists: fc.Arbitrary<PreemptionPoint[]> = fc.oneof(
  rawPoints,
  rawPoints.map((ps) => [...ps].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))),
  fc.uniqueArray(fc.nat({ max: 40 }), { maxLength: 12 }).chain((ats) => fc.tuple(...[...ats].sort((a, b) => a - b).map((at) => anyTo.map((to) => ({ at, to }))))),
  fc.constant<PreemptionPoint[]>([]),
);

/** An enabled set over 4 threads (non-empty), as the engine passes it: a longer array and a count. */
const enabledArb = fc.integer({ min: 1, max: 15 }).map((mask) => {
  const list: number[] = [];
  for (let t = 0; t < 4; t++) if (mask & (1 << t)) list.push(t);
  // junk past `count` that a correct pick never looks at
  return { array: [...list, 9, 8, 7], count: list.length };
});
const currentArb = fc.integer({ min: -1, max: 3 });

type Call =
  | { kind: 'begin' }
  | { kind: 'pick'; step: number; enabled: { array: number[]; count: number }; current: number }
  | { kind: 'keeps'; step: number };

/** A run as a strategy sees it: beginExecution, then pick (and keepsCurrentUntil) at steps 0, 1, 2, ... */
const inOrderRun = fc.array(fc.record({ enabled: enabledArb, current: currentArb, keeps: fc.boolean(), skip: fc.nat({ max: 2 }) }), { maxLength: 45 }).map((steps) => {
  const calls: Call[] = [{ kind: 'begin' }];
  let step = 0;
  for (const s of steps) {
    if (s.keeps) calls.push({ kind: 'keeps', step: step + 1 });
    calls.push({ kind: 'pick', step, enabled: s.enabled, current: s.current });
    step += s.skip === 2 ? 5 : 1; // steps the fast path takes without asking
  }
  return calls;
});

/** Calls in any order, steps going back too, new executions in between. */
const anyOrderCalls: fc.Arbitrary<Call[]> = fc.array(
  fc.oneof(
    { arbitrary: fc.constant<Call>({ kind: 'begin' }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('pick' as const), step: fc.nat({ max: 45 }), enabled: enabledArb, current: currentArb }), weight: 6 },
    { arbitrary: fc.record({ kind: fc.constant('keeps' as const), step: fc.nat({ max: 45 }) }), weight: 3 },
  ),
  { maxLength: 60 },
);

/** Replays `calls` against a PreemptionPoints and the reference; every answer must match. */
function compare(points: readonly PreemptionPoint[], calls: readonly Call[], withOnChoice: boolean): void {
  const pp = new PreemptionPoints(points);
  const ref = new Reference(points);
  const choices: Array<[number, number]> = [];
  const refChoices: Array<[number, number]> = [];
  if (withOnChoice) pp.onChoice = (step, others) => choices.push([step, others]);
  pp.beginExecution();
  for (const call of calls) {
    if (call.kind === 'begin') {
      pp.beginExecution();
    } else if (call.kind === 'keeps') {
      const want = withOnChoice ? call.step : ref.nextPoint(call.step);
      expect(num(pp.keepsCurrentUntil(call.step)), `keepsCurrentUntil(${call.step})`).toBe(want);
    } else {
      const { array, count } = call.enabled;
      const got = pp.pick(array, count, call.current, call.step);
      expect(got, `pick at ${call.step} enabled=${array.slice(0, count)} current=${call.current}`).toBe(ref.pick(array, count, call.current, call.step));
      const list = array.slice(0, count);
      if (list.includes(call.current) && count > 1) refChoices.push([call.step, count - 1]);
    }
  }
  if (withOnChoice) expect(choices).toEqual(refChoices);
}

// ---------------------------------------------------------------------------------------------

describe('PreemptionPoints against a Map from step to the first point given for it', () => {
  it('hand-worked: unsorted, duplicated and invalid points', () => {
    const points: PreemptionPoint[] = [
      { at: 5, to: 1 },
      { at: 2, to: 0 },
      { at: 5, to: 0 }, // a second point on step 5: ignored
      { at: -1, to: 0 },
      { at: 3.5, to: 0 },
      { at: Number.NaN, to: 0 },
      { at: 2, to: 2 }, // ignored
      { at: 9, to: 2 },
    ];
    const pp = new PreemptionPoints(points);
    pp.beginExecution();
    const e = [0, 1, 2];
    // Steps 0..10 with thread 0 running: points at 2 (to 0: thread 1), 5 (to 1: thread 2), 9 (to 2 % 2 = 0: thread 1).
    const picks = Array.from({ length: 11 }, (_, i) => pp.pick(e, 3, 0, i));
    expect(picks).toEqual([0, 0, 1, 0, 0, 2, 0, 0, 0, 1, 0]);
    expect([0, 3, 4, 5, 6, 9, 10].map((i) => pp.keepsCurrentUntil(i))).toEqual([2, 5, 5, 5, 9, 9, Infinity]);
    // Asked out of order after beginExecution: the same answers.
    pp.beginExecution();
    expect(pp.pick(e, 3, 0, 9)).toBe(1);
    expect(pp.pick(e, 3, 0, 2)).toBe(1);
    expect(pp.keepsCurrentUntil(0)).toBe(2);
    expect(pp.pick(e, 3, 0, 5)).toBe(2);
    expect(pp.keepsCurrentUntil(3)).toBe(5);
    // With onChoice, keepsCurrentUntil promises nothing.
    pp.onChoice = () => {};
    expect(pp.keepsCurrentUntil(3)).toBe(3);
  });

  it('runs in step order: picks and keepsCurrentUntil equal the reference (with and without onChoice)', () => {
    fc.assert(
      fc.property(pointLists, fc.array(inOrderRun, { minLength: 1, maxLength: 3 }), fc.boolean(), (points, runs, withOnChoice) => {
        compare(points, runs.flat(), withOnChoice);
      }),
      { numRuns: 3000 },
    );
  });

  it('calls in any order (a step lower than before, new executions in between) equal the reference', () => {
    fc.assert(
      fc.property(pointLists, anyOrderCalls, fc.boolean(), (points, calls, withOnChoice) => {
        compare(points, calls, withOnChoice);
      }),
      { numRuns: 3000 },
    );
  });

  it('sorts a copy: the caller’s list is left as it was, and reordering it later changes nothing', () => {
    fc.assert(
      fc.property(pointLists, (generated) => {
        const points = generated.map((p) => ({ ...p }));
        const pp = new PreemptionPoints(points);
        pp.beginExecution();
        for (let i = 0; i < 40; i++) pp.pick([0, 1], 2, 0, i);
        expect(points).toEqual(generated);
        // A list already in step order is documented to be used as it is: check the sorted path only.
        if (!inStepOrder(points) && points.length > 0) {
          const before = Array.from({ length: 40 }, (_, i) => (pp.beginExecution(), pp.pick([0, 1, 2], 3, 0, i)));
          points.reverse(); // (the points themselves are shared: ScheduleData's fields are readonly)
          points.push({ at: 0, to: 1 });
          const after = Array.from({ length: 40 }, (_, i) => (pp.beginExecution(), pp.pick([0, 1, 2], 3, 0, i)));
          expect(after).toEqual(before);
        }
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('scheduleArbitrary decodes into step order', () => {
  const optsList = [{}, { horizon: 10, threads: 3 }, { horizon: 5, threads: 2, maxPreemptions: 12 }, { horizon: 40, threads: 5, maxPreemptions: 20 }];

  it('values are whole steps in non-decreasing order, inside the horizon, `to` below threads - 1', () => {
    for (const opts of optsList) {
      const horizon = Math.max(1, opts.horizon ?? 64);
      const others = Math.max(2, opts.threads ?? 4) - 1;
      const maxLength = opts.maxPreemptions ?? 6;
      fc.assert(
        fc.property(scheduleArbitrary(opts), (data) => {
          expect(data.length).toBeLessThanOrEqual(maxLength);
          data.forEach((p, i) => {
            expect(Number.isInteger(p.at) && p.at >= 0 && p.at < horizon).toBe(true);
            expect(Number.isInteger(p.to) && p.to >= 0 && p.to < others).toBe(true);
            if (i > 0) expect(p.at).toBeGreaterThanOrEqual((data[i - 1] as PreemptionPoint).at);
          });
        }),
        { numRuns: 500 },
      );
    }
  });

  it('the order is a stable sort of the drawn codes (of two points on one step the first drawn stays first)', () => {
    // scheduleArbitrary draws `fc.array(fc.nat({ max: horizon * others - 1 }))` and maps each code
    // to `{ at: floor(code / others), to: code % others }` (its documented encoding); `map` draws
    // nothing more, so the same seed gives the same codes.
    for (const opts of optsList) {
      const horizon = Math.max(1, opts.horizon ?? 64);
      const others = Math.max(2, opts.threads ?? 4) - 1;
      const codes = fc.array(fc.nat({ max: horizon * others - 1 }), { maxLength: opts.maxPreemptions ?? 6 });
      for (const seed of [1, 2, 3, 42]) {
        const got = fc.sample(scheduleArbitrary(opts), { seed, numRuns: 300 });
        const drawn = fc.sample(codes, { seed, numRuns: 300 });
        const want = drawn.map((cs) =>
          cs
            .map((code, i) => ({ at: Math.floor(code / others), to: code % others, i }))
            .sort((a, b) => a.at - b.at || a.i - b.i)
            .map(({ at, to }) => ({ at, to })),
        );
        expect(got).toEqual(want);
        // Some of them had two points on one step, drawn out of step order.
        expect(drawn.some((cs) => cs.some((c, i) => cs.slice(i + 1).some((d) => Math.floor(d / others) < Math.floor(c / others))))).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

interface LockState {
  a: Lock;
  b: Lock;
  x: Var<number>;
  y: Var<number>;
}
/** Locks taken in both orders (deadlocks), blocking acquisitions, a lost update. */
const locks = defineModel<LockState, string, 'same-order'>({
  name: 'locks',
  title: 'two locks',
  summary: 'test',
  fixes: { 'same-order': { commit: '000000000000', summary: 'take a before b everywhere' } },
  operations: {
    ab: {
      summary: 'a then b',
      kernel: 'ab',
      *run(s) {
        yield* s.a.lock();
        const x = yield* s.x.read();
        yield* s.b.lock();
        yield* s.x.write(x + 1);
        yield* s.b.unlock();
        yield* s.a.unlock();
      },
    },
    ba: {
      summary: 'b then a',
      kernel: 'ba',
      *run(s, t) {
        const first = t.fixed('same-order') ? s.a : s.b;
        const second = t.fixed('same-order') ? s.b : s.a;
        yield* first.lock();
        const y = yield* s.y.read();
        yield* second.lock();
        yield* s.y.write(y + 1);
        yield* second.unlock();
        yield* first.unlock();
      },
    },
    racy: {
      summary: 'x++ without a lock',
      kernel: 'racy',
      *run(s) {
        const x = yield* s.x.read();
        yield* s.x.write(x + 1);
      },
    },
  },
  setup: (w) => ({ a: w.spinlock('a'), b: w.spinlock('b'), x: w.var('x', 0), y: w.var('y', 0) }),
  invariants: [],
  scenarios: {
    maxThreads: 3,
    maxOpsPerThread: 2,
    maxOps: 4,
    catalogue: [
      { name: 'abba', threads: [['ab'], ['ba']] },
      { name: 'three', threads: [['ab', 'racy'], ['ba'], ['racy']] },
    ],
  },
});

const models: Array<{ model: AnyModel; fixSets: string[][] }> = [
  { model: lostUpdate, fixSets: [[], ['take-lock']] },
  { model: seqcountReader, fixSets: [[], ['reader-retries']] },
  { model: locks as unknown as AnyModel, fixSets: [[], ['same-order']] },
  { model: pfncache, fixSets: [[], [...pfncache.fixNames]] },
];

function summary(e: Execution) {
  return { outcome: e.outcome, schedule: [...e.schedule], preemptions: e.preemptions, gaveUp: [...e.gaveUp] };
}

/**
 * A shuffled copy of `data` in which the points of each step keep their relative order (a random
 * interleaving of the per-step sequences), with points that never apply (negative, fractional,
 * NaN) inserted and later duplicates of some steps appended: it means the same schedule.
 */
function shuffledEquivalent(data: ScheduleData, picks: readonly number[], junk: readonly PreemptionPoint[], dups: readonly number[]): PreemptionPoint[] {
  const groups = new Map<number, PreemptionPoint[]>();
  for (const p of data) groups.set(p.at, [...(groups.get(p.at) ?? []), p]);
  const queues = [...groups.values()];
  const out: PreemptionPoint[] = [];
  let k = 0;
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    const q = live[(picks[k++ % Math.max(1, picks.length)] ?? 0) % live.length] as PreemptionPoint[];
    out.push(q.shift() as PreemptionPoint);
  }
  junk.forEach((j, i) => out.splice((picks[i] ?? i) % (out.length + 1), 0, j));
  for (const d of dups) {
    const p = data[d % Math.max(1, data.length)];
    if (p !== undefined) out.push({ at: p.at, to: p.to + 1 });
  }
  return out;
}

describe('executions under PreemptionPoints', () => {
  const junkAt = fc.oneof(fc.integer({ min: -20, max: -1 }), fc.double({ min: 0.01, max: 60, noNaN: true }).filter((d) => !Number.isInteger(d)), fc.constant(Number.NaN), fc.constant(-Infinity), fc.constant(Infinity));

  it('data from scheduleArbitrary and a shuffled copy (same-step order kept, junk and later duplicates added) give the same executions, and equal the reference strategy', () => {
    let preempted = 0;
    let failures = 0;
    let sortedPath = 0;
    const arb = fc.constantFrom(...models).chain(({ model, fixSets }) =>
      fc.record({
        model: fc.constant(model),
        fixes: fc.constantFrom(...fixSets),
        scenario: scenarioArbitrary(model),
        data: scheduleArbitrary({ horizon: 30, threads: model.scenarios.maxThreads, maxPreemptions: 8 }),
        picks: fc.array(fc.nat(), { maxLength: 20 }),
        junk: fc.array(fc.record({ at: junkAt, to: fc.nat({ max: 5 }) }), { maxLength: 4 }),
        dups: fc.array(fc.nat(), { maxLength: 3 }),
      }),
    );
    fc.assert(
      fc.property(arb, ({ model, fixes, scenario, data, picks, junk, dups }) => {
        const fixSet = new Set(fixes);
        const shuffled = shuffledEquivalent(data, picks, junk, dups);
        if (!inStepOrder(shuffled)) sortedPath++;
        const a = summary(execute(model, fixSet, scenario as Scenario, new PreemptionPoints(data)));
        const b = summary(execute(model, fixSet, scenario as Scenario, new PreemptionPoints(shuffled)));
        const ref = summary(execute(model, fixSet, scenario as Scenario, referenceStrategy(data)));
        expect(b).toEqual(a);
        expect(a).toEqual(ref);
        if (a.preemptions > 0) preempted++;
        if (a.outcome.kind !== 'ok') failures++;
      }),
      { numRuns: 1500, seed: 20261130 },
    );
    expect(preempted).toBeGreaterThan(300);
    expect(failures).toBeGreaterThan(50);
    expect(sortedPath).toBeGreaterThan(300);
  });

  it('arbitrary point lists (unsorted, duplicates, junk) execute as the reference strategy does', () => {
    const arb = fc.constantFrom(...models).chain(({ model, fixSets }) =>
      fc.record({ model: fc.constant(model), fixes: fc.constantFrom(...fixSets), scenario: scenarioArbitrary(model), points: pointLists }),
    );
    fc.assert(
      fc.property(arb, ({ model, fixes, scenario, points }) => {
        const fixSet = new Set(fixes);
        const a = summary(execute(model, fixSet, scenario as Scenario, new PreemptionPoints(points)));
        const ref = summary(execute(model, fixSet, scenario as Scenario, referenceStrategy(points)));
        expect(a).toEqual(ref);
      }),
      { numRuns: 1500, seed: 4242 },
    );
  });

  it('one PreemptionPoints serving many executions gives what a new one gives each time', () => {
    fc.assert(
      fc.property(pointLists, fc.array(fc.constantFrom(...models.slice(0, 3)), { minLength: 2, maxLength: 6 }), (points, seq) => {
        const shared = new PreemptionPoints(points);
        for (const { model } of seq) {
          const scenario = model.scenarios.catalogue[0]?.threads as Scenario;
          expect(summary(execute(model, new Set(), scenario, shared))).toEqual(summary(execute(model, new Set(), scenario, new PreemptionPoints(points))));
        }
      }),
      { numRuns: 500 },
    );
  });
});
