import { describe, expect, it } from 'vitest';
import { ablate, boundedDfs, defineModel, dpor, enumerateScenarios, minimalCounterexample, shardUnits, World, type AnyModel, type Thread, type Var } from '../src/index.js';
import { compareFailures, type ExploreFailure } from '../src/explore/result.js';
import { tiny } from './fixtures/harness.js';
import { withoutStateInvariants } from '../src/explore/cut-invariants.js';

// Mutation-testing tests (issue #11): ablation's limits and minimal sets, the bounded DFS's step
// count under a prefix, sharding of runs that end early, the minimal search over several
// failing scenarios of one size.

const none = new Set<string>();

/** A model whose fixes are `names`; the scenario holds when `holds(fixed)` says so. */
function fixModel(names: readonly string[], holds: (fixed: (f: string) => boolean) => boolean) {
  return defineModel({
    name: 'fix-sets',
    title: 't',
    summary: 's',
    fixes: Object.fromEntries(names.map((f) => [f, { commit: '0', summary: f }])),
    operations: { op: { summary: 's', kernel: 'k', *run(_s: { ok: boolean }, t: Thread) { yield* t.step('s', {}); } } },
    setup: (w: World) => ({ ok: holds((f) => w.fixed(f)) }),
    invariants: [{ name: 'ok', description: 'the fixes hold', at: 'end' as const, check: (s: { ok: boolean }) => s.ok }],
    scenarios: { maxThreads: 1, maxOpsPerThread: 1, maxOps: 1, catalogue: [{ name: 'one', threads: [['op']] }] },
  } as never);
}

describe('ablation', () => {
  it('takes twelve fixes (4096 subsets)', () => {
    const a = ablate(fixModel(Array.from({ length: 12 }, (_, i) => `f${i}`), () => true));
    expect(a.rows).toHaveLength(4096);
    expect(a.necessary).toEqual([]);
    expect(a.minimalSufficient).toEqual([[]]);
  });

  it('a minimal sufficient set may share fixes with a smaller one it does not contain', () => {
    // Holds with a and b, or with b, c and d: {b, c, d} shares b with {a, b} but is minimal too.
    const a = ablate(fixModel(['a', 'b', 'c', 'd'], (f) => (f('a') && f('b')) || (f('b') && f('c') && f('d'))));
    expect(a.minimalSufficient).toEqual([['a', 'b'], ['b', 'c', 'd']]);
    expect(a.necessary).toEqual(['b']);
  });
});

describe('bounded DFS', () => {
  it('counts the prefix steps of every execution', () => {
    const two = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); yield* t.step('b', {}); }, function* (_s, t) { yield* t.step('c', {}); }]);
    expect(boundedDfs(two.model, none, two.scenario, { prefix: [0], stopAtFirst: false })).toMatchObject({ executions: 2, steps: 6 });
    expect(boundedDfs(two.model, none, two.scenario, { prefix: [0, 0], stopAtFirst: false })).toMatchObject({ executions: 1, steps: 3 });
  });
});

describe('sharding: failures and the preemption bound', () => {
  const units = (m: { model: AnyModel; scenario: string[][] }, count: number, bound?: number) =>
    Array.from({ length: count }, (_, index) => shardUnits(m.model, [], [m.scenario], { index, count }, bound)).flat().map((u) => u.prefix.join('')).sort();

  it('a prefix whose run failed is not split further, though other threads could go on', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); t.oops('boom'); }, function* (_s, t) { yield* t.step('b', {}); yield* t.step('c', {}); }]);
    expect(units(m, 4)).toEqual(['0', '10', '110']);
  });

  it('switching away from a finished thread costs no preemption', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('b', {}); }, function* (_s, t) { yield* t.step('c', {}); }]);
    expect(units(m, 4, 0)).toEqual(['01', '02', '10', '12', '20', '21']);
  });
});

describe('DPOR with state invariants', () => {
  it('adds up the steps and state hits of its passes', () => {
    const m = tiny((w) => ({ v: w.var('v', 0) }), [
      function* (s) { yield* s.v.write(1); yield* s.v.write(2); },
      function* (s) { yield* s.v.write(1); yield* s.v.write(2); },
      function* (s) { yield* s.v.read(); },
    ], { invariants: [{ name: 'small', description: 'v stays small', check: (s) => s.v.value < 3 }] });
    let steps = 0;
    const r = dpor(m.model, none, m.scenario, { stopAtFirst: false, countStates: true, onExecution: (run) => { steps += run.schedule.length; } });
    const bare = dpor(withoutStateInvariants(m.model), none, m.scenario, { stopAtFirst: false, countStates: true });
    expect(r.failures).toBe(0);
    expect(r.executions).toBeGreaterThan(1);
    // The executions of the model without the invariant; their steps, and those that reach the
    // states the invariant is checked at (see cut-invariants.ts).
    expect(r.executions).toBe(bare.executions);
    expect(bare.steps).toBe(steps);
    expect(r.steps).toBeGreaterThan(steps);
    expect(r.stateHits).toBe(bare.stateHits);
    expect(r.stateHits).toBeGreaterThan(0);
  });
});

describe('sharding', () => {
  it('a prefix whose run has ended, or deadlocked, is a unit as it is', () => {
    // One thread of one step: after it the run is over, so the split stops there.
    const one = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }]);
    expect(shardUnits(one.model, [], [one.scenario], { index: 0, count: 2 })).toEqual([{ scenario: 0, prefix: [0] }]);
    expect(shardUnits(one.model, [], [one.scenario], { index: 1, count: 2 })).toEqual([]);
    // Beside a scenario that splits, the ended one is kept at each depth.
    const pair = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('b', {}); }]);
    const mixed = [0, 1, 2, 3].flatMap((index) => shardUnits(pair.model, [], [[['p0']], pair.scenario], { index, count: 4 }));
    expect(mixed.map((u) => `${u.scenario}:${u.prefix.join('')}`).sort()).toEqual(['0:0', '1:01', '1:10']);
    // Two threads that block each other after one step each: each prefix ends in a deadlock.
    const stuck = tiny((w) => ({ a: w.spinlock('a'), b: w.spinlock('b') }), [
      function* (s) { yield* s.a.lock(); yield* s.b.lock(); },
      function* (s) { yield* s.b.lock(); yield* s.a.lock(); },
    ]);
    const all = shardUnits(stuck.model, [], [stuck.scenario], { index: 0, count: 1 });
    expect(all).toEqual([{ scenario: 0, prefix: [] }]);
    const units = [0, 1, 2].flatMap((index) => shardUnits(stuck.model, [], [stuck.scenario], { index, count: 3 }));
    // The deadlocked prefixes [0, 1] and [1, 0] stay as they are, beside the ones that go on.
    expect(units.map((u) => u.prefix)).toContainEqual([0, 1]);
    expect(units.map((u) => u.prefix)).toContainEqual([1, 0]);
    expect(units.map((u) => u.prefix.join('')).sort()).toEqual(['00', '01', '10', '11']);
    const deeper = [0, 1, 2, 3, 4].flatMap((index) => shardUnits(stuck.model, [], [stuck.scenario], { index, count: 5 }));
    expect(deeper.map((u) => u.prefix.join('')).sort()).toEqual(['00', '01', '10', '11']); // nothing can go on after two steps: no deeper split
  });
});

describe('scenarios and failures', () => {
  it('one thread of up to sixteen operations: sixteen scenarios', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }]);
    const long = { ...m.model, scenarios: { maxThreads: 1, maxOpsPerThread: 16, maxOps: 16, catalogue: [] } };
    const all = enumerateScenarios(long as typeof m.model);
    expect(all.map((sc) => sc.length)).toEqual(new Array(16).fill(1));
    expect(all.map((sc) => sc[0]!.length)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('scenarios of one size list shorter threads first, then operations in declaration order', () => {
    const m = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }, function* (_s, t) { yield* t.step('b', {}); }]);
    const two = { ...m.model, scenarios: { maxThreads: 2, maxOpsPerThread: 2, maxOps: 3, catalogue: [] } } as typeof m.model;
    const names = enumerateScenarios(two).map((sc) => sc.map((ops) => ops.map((op) => (op === 'p0' ? 'a' : 'b')).join('')).join('|'));
    expect(names).toEqual([
      'a', 'b', 'aa', 'ab', 'ba', 'bb', 'a|a', 'a|b', 'b|a', 'b|b',
      'a|aa', 'a|ab', 'a|ba', 'a|bb', 'b|aa', 'b|ab', 'b|ba', 'b|bb', 'aa|a', 'aa|b', 'ab|a', 'ab|b', 'ba|a', 'ba|b', 'bb|a', 'bb|b',
    ]);
  });

  it('failures compare by preemptions, then length, then the first step that differs', () => {
    const f = (preemptions: number, schedule: number[]): ExploreFailure => ({ scenario: [], schedule, preemptions, outcome: { kind: 'oops', message: 'x', step: 0 } });
    expect(compareFailures(f(0, [1, 1, 1]), f(1, [0]))).toBeLessThan(0);
    expect(compareFailures(f(1, [1]), f(1, [0, 0]))).toBeLessThan(0);
    expect(compareFailures(f(1, [0, 1, 0]), f(1, [0, 0, 1]))).toBeGreaterThan(0);
    expect(compareFailures(f(1, [0, 0, 1]), f(1, [0, 0, 1]))).toBe(0);
  });
});

describe('locks', () => {
  it('a lock held by a CPU past the 64 with cached names still says which', () => {
    const l = new World(1, none).spinlock('l');
    expect(l.describe()).toBe('free');
    (l as unknown as { holder: number }).holder = 70;
    expect(l.describe()).toBe('held by CPU70');
  });
});

describe('minimal counterexample', () => {
  /** A lost update, where `slow` pads its read-modify-write with an extra step. */
  const racy = defineModel({
    name: 'racy',
    title: 't',
    summary: 's',
    fixes: {},
    operations: {
      slow: { summary: 's', kernel: 'k', *run(s: { x: Var<number>; n: number }, t: Thread) { const v = yield* s.x.read(); yield* t.step('pad', {}); yield* s.x.write(v + 1); s.n++; } },
      fast: { summary: 's', kernel: 'k', *run(s: { x: Var<number>; n: number }) { const v = yield* s.x.read(); yield* s.x.write(v + 1); s.n++; } },
    },
    setup: (w: World) => ({ x: w.var('x', 0), n: 0 }),
    invariants: [{ name: 'count', description: 'x counts the increments', at: 'end' as const, check: (s: { x: Var<number>; n: number }) => s.x.value === s.n }],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [] },
  } as never);

  it('among scenarios of one size failing at one bound, the shortest failure wins', () => {
    const cx = minimalCounterexample(racy, { fixes: [], scenarios: [[['slow'], ['slow']], [['fast'], ['fast']]] });
    expect(cx?.scenario).toEqual([['fast'], ['fast']]);
    expect(cx?.schedule).toEqual([0, 1, 1, 0]);
    // Listed the other way round: the same answer.
    expect(minimalCounterexample(racy, { fixes: [], scenarios: [[['fast'], ['fast']], [['slow'], ['slow']]] })?.scenario).toEqual([['fast'], ['fast']]);
  });
});
