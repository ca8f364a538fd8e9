import { describe, expect, it } from 'vitest';
import {
  ablate, boundedDfs, compareCounterexamples, declaredFootprint, defineModel, dpor, enumerateScenarios, explore, FootprintObserver, footprintsConflict,
  mergeVerifyResults, minimalCounterexample, replaySchedule, Run, shardUnits, verify,
  type AnyModel, type Counterexample, type ExploreResult, type Scenario, type Steps, type Thread, type Var, type VerifyResult,
} from '../src/index.js';
import { lostUpdate } from './fixtures/lost-update.js';
import { tiny } from './fixtures/harness.js';

// Mutation-testing tests (issue #11): the explorers' counts on models whose state spaces are
// known by hand, their options, sharding, scenario enumeration, minimal search and ablation.

const pair: Scenario = [['increment'], ['increment']];
const triple: Scenario = [['increment'], ['increment'], ['increment']];
const none = new Set<string>();

/**
 * The Mazurkiewicz trace of a schedule: which step of which thread comes before which conflicting
 * step of another thread. Two schedules with the same trace are equivalent.
 */
function traceOf(model: AnyModel, fixes: readonly string[], scenario: Scenario, schedule: readonly number[]): string {
  const ex = replaySchedule(model, fixes, scenario, schedule, true);
  const steps = (ex.trace ?? []).map((e, i) => ({ t: e.thread, k: (ex.trace ?? []).slice(0, i).filter((f) => f.thread === e.thread).length, acc: e.accesses }));
  const edges: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    for (let j = i + 1; j < steps.length; j++) {
      const a = steps[i]!;
      const b = steps[j]!;
      if (a.t !== b.t && a.acc.some((x) => b.acc.some((y) => x.name === y.name && (x.mode === 'write' || y.mode === 'write')))) edges.push(`${a.t}.${a.k}<${b.t}.${b.k}`);
    }
  }
  return edges.sort().join(' ');
}

function schedules(run: (onExecution: (r: Run) => void) => ExploreResult): { result: ExploreResult; schedules: number[][] } {
  const out: number[][] = [];
  const result = run((r) => out.push([...r.schedule]));
  return { result, schedules: out };
}

describe('DPOR on state spaces known by hand', () => {
  it('independent steps: one execution; conflicting ones: one per order', () => {
    const two = (a: string, b: string) => tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0) }) as Record<string, Var<number>>, [function* (s) { yield* s[a]!.write(1); }, function* (s) { yield* s[b]!.write(2); }]);
    const indep = two('x', 'y');
    expect(dpor(indep.model, none, indep.scenario, { stopAtFirst: false })).toEqual({ executions: 1, complete: 1, redundant: 0, steps: 2, failures: 0 });
    expect(boundedDfs(indep.model, none, indep.scenario, { stopAtFirst: false })).toEqual({ executions: 2, complete: 2, redundant: 0, steps: 4, failures: 0 });
    const same = two('x', 'x');
    expect(dpor(same.model, none, same.scenario, { stopAtFirst: false })).toEqual({ executions: 2, complete: 2, redundant: 0, steps: 4, failures: 0 });
    const reads = tiny((w) => ({ x: w.var('x', 0) }), [function* (s) { yield* s.x.read(); }, function* (s) { yield* s.x.read(); }, function* (s) { yield* s.x.read(); }]);
    expect(dpor(reads.model, none, reads.scenario, { stopAtFirst: false }).executions).toBe(1);
    const writes = tiny((w) => ({ x: w.var('x', 0) }), [function* (s) { yield* s.x.write(1); }, function* (s) { yield* s.x.write(2); }, function* (s) { yield* s.x.write(3); }]);
    expect(dpor(writes.model, none, writes.scenario, { stopAtFirst: false }).complete).toBe(6);
  });

  for (const [name, scenario, fixes] of [['two', pair, []], ['three', triple, []], ['three, locked', triple, ['take-lock']]] as const) {
    it(`lost update (${name}): exactly one execution per Mazurkiewicz trace of plain DFS`, () => {
      const fx = new Set<string>(fixes);
      const full = schedules((onExecution) => boundedDfs(lostUpdate, fx, scenario, { stopAtFirst: false, onExecution }));
      const reduced = schedules((onExecution) => dpor(lostUpdate, fx, scenario, { stopAtFirst: false, onExecution }));
      const traces = new Set(full.schedules.map((s) => traceOf(lostUpdate, fixes, scenario, s)));
      const dporTraces = reduced.schedules.map((s) => traceOf(lostUpdate, fixes, scenario, s));
      expect(new Set(dporTraces)).toEqual(traces);
      expect(dporTraces).toHaveLength(traces.size);
      expect(reduced.result.redundant).toBe(0);
      expect(reduced.result.complete).toBe(traces.size);
      expect(reduced.result.executions).toBe(traces.size);
      expect(reduced.result.failures).toBe(reduced.schedules.filter((s) => replaySchedule(lostUpdate, fixes, scenario, s).outcome.kind !== 'ok').length);
      expect(reduced.result.steps).toBeGreaterThanOrEqual(reduced.schedules.reduce((n, s) => n + s.length, 0));
      expect(full.result.steps).toBe(full.schedules.reduce((n, s) => n + s.length, 0));
    });
  }

  it('the pinned counts of the lost update', () => {
    expect(dpor(lostUpdate, none, pair, { stopAtFirst: false })).toMatchObject({ executions: 4, complete: 4, redundant: 0, steps: 16, failures: 2 });
    expect(dpor(lostUpdate, none, triple, { stopAtFirst: false })).toMatchObject({ executions: 36, complete: 36, redundant: 0, failures: 30 });
    expect(boundedDfs(lostUpdate, none, triple, { stopAtFirst: false })).toMatchObject({ executions: 90, complete: 90, steps: 540, failures: 84 });
  });

  it('keeps the failure with the fewest preemptions, then steps, then the smallest schedule', () => {
    const d = dpor(lostUpdate, none, triple, { stopAtFirst: false });
    const b = boundedDfs(lostUpdate, none, triple, { stopAtFirst: false });
    expect(d.failure?.schedule).toEqual([0, 0, 1, 2, 2, 1]);
    expect(b.failure?.schedule).toEqual([0, 0, 1, 2, 2, 1]);
    expect(d.failure?.preemptions).toBe(1);
    expect(d.failure?.scenario).toBe(triple);
    expect(d.failure?.outcome.kind).toBe('violation');
    expect(dpor(lostUpdate, none, pair, { stopAtFirst: false }).failure?.schedule).toEqual([0, 1, 1, 0]);
  });

  it('stops at the first failure by default', () => {
    const d = dpor(lostUpdate, none, pair);
    expect(d.failures).toBe(1);
    expect(d.complete).toBeLessThan(4);
    const b = boundedDfs(lostUpdate, none, pair);
    expect(b.failures).toBe(1);
    expect(b.executions).toBeLessThan(6);
    expect(b.failure?.schedule).toEqual([0, 1, 0, 1]);
  });

  it('a deadlock is an execution that ends, for both explorers', () => {
    const abba = tiny((w) => ({ a: w.spinlock('A'), b: w.spinlock('B') }), [
      function* (s) { yield* s.a.lock(); yield* s.b.lock(); yield* s.b.unlock(); yield* s.a.unlock(); },
      function* (s) { yield* s.b.lock(); yield* s.a.lock(); yield* s.a.unlock(); yield* s.b.unlock(); },
    ]);
    for (const r of [dpor(abba.model, none, abba.scenario), boundedDfs(abba.model, none, abba.scenario)]) {
      expect(r.failure?.outcome).toMatchObject({ kind: 'deadlock' });
      expect(r.failure?.schedule).toHaveLength(2);
    }
    const kinds = (explorer: typeof dpor) => {
      const seen = new Set<string>();
      const r = explorer(abba.model, none, abba.scenario, { stopAtFirst: false, onExecution: (run) => seen.add(run.outcome!.kind) });
      return { r, seen: [...seen].sort() };
    };
    const d = kinds(dpor);
    const b = kinds(boundedDfs);
    expect(d.seen).toEqual(['deadlock', 'ok']);
    expect(b.seen).toEqual(['deadlock', 'ok']);
    expect(d.r.complete).toBeLessThanOrEqual(b.r.complete);
    expect(d.r.failures).toBeGreaterThanOrEqual(2);
  });

  it('a prefix is followed and never backtracked', () => {
    for (const explorer of [dpor, boundedDfs]) {
      const { result, schedules: seen } = schedules((onExecution) => explorer(lostUpdate, none, pair, { stopAtFirst: false, onExecution, prefix: [1, 0] }));
      expect(seen.length).toBeGreaterThan(0);
      for (const s of seen) expect(s.slice(0, 2)).toEqual([1, 0]);
      expect(result.failures).toBe(seen.length); // both loaded 0: every order of the stores loses one
      expect(result.complete).toBe(2);
      expect(result.executions).toBe(2);
    }
    // A prefix longer than the run stops where the run ends.
    const one = tiny(() => ({}), [function* (_s, t) { yield* t.step('a', {}); }]);
    expect(dpor(one.model, none, one.scenario, { prefix: [0, 0, 0] })).toMatchObject({ complete: 1, failures: 0 });
    expect(boundedDfs(one.model, none, one.scenario, { prefix: [0, 0, 0] })).toMatchObject({ complete: 1, failures: 0 });
  });

  it('passes the step budget to every run', () => {
    const spin = tiny((w) => ({ v: w.var('v', 0) }), [function* (s) { for (;;) yield* s.v.read(); }]);
    for (const explorer of [dpor, boundedDfs]) {
      const r = explorer(spin.model, none, spin.scenario, { maxSteps: 5 });
      expect(r.failure?.outcome).toMatchObject({ kind: 'bound-reached', step: 4 });
      expect(r.failure?.schedule).toHaveLength(5);
    }
  });

  it('explore picks DPOR unless bounded or asked for every schedule', () => {
    const independent = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0) }), [function* (s) { yield* s.x.write(1); }, function* (s) { yield* s.y.write(1); }]);
    const base = { fixes: [], scenario: independent.scenario, stopAtFirst: false };
    expect(explore(independent.model, base).executions).toBe(1);
    expect(explore(independent.model, { ...base, reduction: 'dpor' }).executions).toBe(1);
    expect(explore(independent.model, { ...base, reduction: 'none' }).executions).toBe(2);
    expect(explore(independent.model, { ...base, preemptionBound: 5 }).executions).toBe(2);
    expect(explore(independent.model, { ...base, preemptionBound: 0 }).executions).toBe(2);
    expect(explore(lostUpdate, { fixes: ['take-lock'], scenario: pair }).failures).toBe(0);
    expect(explore(lostUpdate, { fixes: [], scenario: pair }).failures).toBe(1);
  });
});

describe('DPOR with state invariants', () => {
  /** Two writers of x and y; a state invariant that reads only x, and a ghost field. */
  function model(at: 'always' | 'end') {
    return defineModel({
      name: 'visible',
      title: 't',
      summary: 's',
      fixes: {},
      operations: {
        wx: { summary: 's', kernel: 'k', *run(s: { x: Var<number>; y: Var<number> }) { yield* s.x.write(1); yield* s.x.write(0); } },
        wy: { summary: 's', kernel: 'k', *run(s: { x: Var<number>; y: Var<number> }) { yield* s.y.write(1); yield* s.y.write(0); } },
        wx2: { summary: 's', kernel: 'k', *run(s: { x: Var<number>; y: Var<number> }) { yield* s.x.write(2); yield* s.x.write(0); } },
      },
      setup: (w) => ({ x: w.var('x', 0), y: w.var('y', 0) }),
      invariants: [{ name: 'x-not-3', description: 'x is never 3', at, check: (s) => s.x.value !== 3 }],
      scenarios: { maxThreads: 3, maxOpsPerThread: 1, maxOps: 3, catalogue: [] },
    });
  }

  it('writes to what a state invariant reads are ordered; others still commute', () => {
    const sc: Scenario = [['wx'], ['wy'], ['wx2']];
    const end = dpor(model('end'), none, sc, { stopAtFirst: false });
    const always = dpor(model('always'), none, sc, { stopAtFirst: false });
    const full = boundedDfs(model('always'), none, sc, { stopAtFirst: false });
    expect(end.failures).toBe(0);
    expect(always.failures).toBe(0);
    // x's four writes interleave in 6 ways; y's steps commute with them.
    expect(end.complete).toBe(6);
    expect(always.complete).toBe(6);
    expect(full.complete).toBe(90);
  });

  it('finds a violation of a state invariant that only an intermediate state shows', () => {
    const m = defineModel({
      name: 'transient',
      title: 't',
      summary: 's',
      fixes: {},
      operations: {
        inc: { summary: 's', kernel: 'k', *run(s: { x: Var<number> }) { const v = yield* s.x.read(); yield* s.x.write(v + 1); yield* s.x.write(0); } },
      },
      setup: (w) => ({ x: w.var('x', 0) }),
      invariants: [{ name: 'x-below-2', description: 'x < 2', check: (s) => s.x.value < 2 }],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [] },
    });
    const r = dpor(m, none, [['inc'], ['inc']], { stopAtFirst: false });
    const b = boundedDfs(m, none, [['inc'], ['inc']], { stopAtFirst: false });
    expect(b.failures).toBeGreaterThan(0);
    expect(r.failures).toBeGreaterThan(0);
    expect(r.failure?.outcome).toMatchObject({ kind: 'violation', invariant: 'x-below-2' });
    // A real run: replayed, it ends in that violation, at its last step.
    const replayed = replaySchedule(m, [], [['inc'], ['inc']], r.failure?.schedule ?? [], false);
    expect(replayed.outcome).toMatchObject({ kind: 'violation', invariant: 'x-below-2', step: (r.failure?.schedule.length ?? 0) - 1 });
    // Stopping at the first failure reports it too, and counts all the restarts' work.
    const first = dpor(m, none, [['inc'], ['inc']]);
    expect(first.failures).toBe(1);
    expect(first.executions).toBeGreaterThanOrEqual(first.complete);
  });

  /** x and y are written by different threads; the invariant reads both through `read`. */
  function pairModel(name: string, setup: (x: Var<number>, y: Var<number>) => object, read: (s: never) => [number, number]) {
    return defineModel({
      name,
      title: 't',
      summary: 's',
      fixes: {},
      operations: {
        a: { summary: 's', kernel: 'k', *run(s: { x: Var<number>; y: Var<number> }) { yield* s.x.write(1); yield* s.x.write(0); } },
        b: { summary: 's', kernel: 'k', *run(s: { x: Var<number>; y: Var<number> }) { yield* s.y.write(1); yield* s.y.write(0); } },
      },
      setup: (w) => {
        const x = w.var('x', 0);
        const y = w.var('y', 0);
        return { x, y, ...setup(x, y) };
      },
      invariants: [{ name: 'not-both', description: 'x and y are never both 1', check: (s) => read(s as never).join() !== '1,1' }],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [] },
    });
  }

  it('sees what an invariant reads through maps, arrays, nested objects and methods', () => {
    const models = [
      pairModel('direct', () => ({}), (s: { x: Var<number>; y: Var<number> }) => [s.x.value, s.y.value]),
      pairModel('map', (x, y) => ({ byName: new Map([['x', x], ['y', y]]) }), (s: { byName: Map<string, Var<number>> }) => [s.byName.get('x')!.value, s.byName.get('y')!.value]),
      pairModel('array', (x, y) => ({ list: [x, y] }), (s: { list: Var<number>[] }) => [s.list[0]!.value, s.list.at(1)!.value]),
      pairModel('nested', (x, y) => ({ deep: { inner: { x }, also: { y } } }), (s: { deep: { inner: { x: Var<number> }; also: { y: Var<number> } } }) => [s.deep.inner.x.value, s.deep.also.y.value]),
      pairModel('found', (x, y) => ({ list: [x, y] }), (s: { list: Var<number>[] }) => [s.list.find((v) => v.name === 'x')!.value, s.list.filter((v) => v.name === 'y')[0]!.value]),
    ];
    for (const m of models) {
      const r = dpor(m, none, [['a'], ['b']]);
      expect(r.failure?.outcome, m.name).toMatchObject({ kind: 'violation', invariant: 'not-both' });
      expect(r.failure?.schedule.length, m.name).toBe(2);
    }
    // Without the invariant after every step the two threads commute: one execution.
    const endOnly = defineModel({ ...models[1]!, invariants: models[1]!.invariants.map((inv) => ({ ...inv, at: 'end' as const })) });
    expect(dpor(endOnly, none, [['a'], ['b']], { stopAtFirst: false })).toMatchObject({ executions: 1, failures: 0 });
  });

  it('an invariant read of a ghost field makes ghost writes dependent', () => {
    const m = defineModel({
      name: 'ghost',
      title: 't',
      summary: 's',
      fixes: {},
      operations: {
        bump: { summary: 's', kernel: 'k', *run(s: { n: number; x: Var<number>; y: Var<number> }, t: Thread) { yield* (t.tid === 0 ? s.x : s.y).write(1); s.n++; yield* (t.tid === 0 ? s.x : s.y).write(2); s.n--; } },
      },
      setup: (w) => ({ n: 0, x: w.var('x', 0), y: w.var('y', 0) }),
      invariants: [{ name: 'n-below-2', description: 'never two in the window', check: (s) => s.n < 2 }],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [] },
    });
    const r = dpor(m, none, [['bump'], ['bump']], { stopAtFirst: false });
    expect(r.failures).toBeGreaterThan(0);
    expect(r.failure?.outcome.invariant).toBe('n-below-2');
  });
});

describe('footprints', () => {
  it('declared footprints conflict on one object with a write', () => {
    const m = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0) }), [function* (s) { yield* s.x.read(); }, function* (s) { yield* s.x.write(1); }, function* (s) { yield* s.y.write(1); }, function* (s) { yield* s.x.read(); }]);
    const run = new Run(m.model, none, m.scenario);
    const fp = (t: number) => declaredFootprint(run.pendingStep(t)!);
    expect(footprintsConflict(fp(0), fp(1))).toBe(true);
    expect(footprintsConflict(fp(1), fp(0))).toBe(true);
    expect(footprintsConflict(fp(0), fp(3))).toBe(false);
    expect(footprintsConflict(fp(1), fp(2))).toBe(false);
    expect(footprintsConflict(fp(1), fp(1))).toBe(true);
    expect(footprintsConflict([], fp(1))).toBe(false);
    const x = (run.state as { x: Var<number> }).x;
    const visible = new Set([x.id]);
    // A write of an object an invariant reads also writes the shared "visible" pseudo-object.
    const wx = declaredFootprint(run.pendingStep(1)!, visible);
    const wy = declaredFootprint(run.pendingStep(2)!, new Set([(run.state as { y: Var<number> }).y.id]));
    expect(footprintsConflict(wx, wy)).toBe(true);
    expect(footprintsConflict(fp(1), fp(2))).toBe(false);
    expect(declaredFootprint(run.pendingStep(0)!, visible)).toEqual(fp(0)); // a read is not a visible write
  });

  it('the observer adds undeclared writes, the CPU of a retiring thread, a blocking next step and ghost changes', () => {
    const m = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0), n: 0 }), [
      function* (s, t) { yield* t.step('touch nothing', {}); s.x.value = 5; yield* t.step('wait', {}); },
      function* (s, t) { yield* t.step('ghost', {}); s.n++; yield* t.awaitChange('wait y', [s.y]); },
      function* (s, t) { yield* t.step('last', {}); },
      function* (s, t) { yield* t.step('other ghost', {}); s.n += 2; yield* t.step('done', {}); },
    ]);
    const run = new Run(m.model, none, m.scenario);
    const obs = new FootprintObserver();
    const s = run.state as { x: Var<number>; y: Var<number> };
    const undeclared = obs.step(run, 0);
    expect(footprintsConflict(undeclared, declaredFootprint({ label: 'r', accesses: [{ obj: s.x, mode: 'read' }] }))).toBe(true);
    const ghost = obs.step(run, 1);
    const otherGhost = obs.step(run, 3);
    expect(footprintsConflict(ghost, otherGhost)).toBe(true);
    expect(footprintsConflict(ghost, declaredFootprint({ label: 'w', accesses: [{ obj: s.y, mode: 'write' }] }))).toBe(true); // it now waits on y
    expect(footprintsConflict(undeclared, ghost)).toBe(false);
    const retired = obs.step(run, 2);
    expect(footprintsConflict(retired, declaredFootprint({ label: 'ipi', accesses: [{ obj: run.world.cpu(2), mode: 'read' }] }))).toBe(true);
    expect(footprintsConflict(retired, declaredFootprint({ label: 'ipi', accesses: [{ obj: run.world.cpu(1), mode: 'read' }] }))).toBe(false);
    expect(() => obs.step(run, 2)).toThrow('CPU2 has no step to take');
    const visibleObs = new FootprintObserver(new Set([s.x.id]));
    const run2 = new Run(m.model, none, m.scenario);
    const vis = visibleObs.step(run2, 0);
    const vis2 = declaredFootprint({ label: 'w', accesses: [{ obj: (run2.state as { x: Var<number> }).x, mode: 'write' }] }, new Set([(run2.state as { x: Var<number> }).x.id]));
    expect(footprintsConflict(vis.filter((v) => v >> 1 !== (run2.state as { x: Var<number> }).x.id), vis2)).toBe(true);
  });
});

describe('shards', () => {
  it('refuses shards that do not exist', () => {
    for (const shard of [{ index: 0, count: 0 }, { index: -1, count: 2 }, { index: 2, count: 2 }, { index: 0.5, count: 2 }, { index: 0, count: 1.5 }]) {
      expect(() => shardUnits(lostUpdate, [], [pair], shard), JSON.stringify(shard)).toThrow(RangeError);
    }
    expect(() => shardUnits(lostUpdate, [], [pair], { index: 3, count: 2 })).toThrow('shard 4/2 does not exist');
  });

  it('one shard: every scenario whole; more: cut at the shallowest depth with enough units, dealt round-robin', () => {
    expect(shardUnits(lostUpdate, [], [pair, triple], { index: 0, count: 1 })).toEqual([{ scenario: 0, prefix: [] }, { scenario: 1, prefix: [] }]);
    expect(shardUnits(lostUpdate, [], [pair, triple], { index: 1, count: 2 })).toEqual([{ scenario: 1, prefix: [] }]);
    expect(shardUnits(lostUpdate, [], [pair], { index: 0, count: 2 })).toEqual([{ scenario: 0, prefix: [0] }]);
    expect(shardUnits(lostUpdate, [], [pair], { index: 1, count: 2 })).toEqual([{ scenario: 0, prefix: [1] }]);
    expect(shardUnits(lostUpdate, [], [pair], { index: 0, count: 3 })).toEqual([{ scenario: 0, prefix: [0, 0] }, { scenario: 0, prefix: [1, 1] }]);
    expect(shardUnits(lostUpdate, [], [pair], { index: 1, count: 3 })).toEqual([{ scenario: 0, prefix: [0, 1] }]);
    const all = [0, 1, 2].flatMap((index) => shardUnits(lostUpdate, [], [pair], { index, count: 3 }));
    expect(all.map((u) => u.prefix)).toEqual(expect.arrayContaining([[0, 0], [0, 1], [1, 0], [1, 1]]));
    expect(all).toHaveLength(4);
  });

  it('does not split a tree that cannot grow, and cuts at most six steps deep', () => {
    const single: Scenario = [['increment']];
    expect(shardUnits(lostUpdate, [], [single], { index: 0, count: 4 })).toEqual([{ scenario: 0, prefix: [0] }]);
    expect(shardUnits(lostUpdate, [], [single], { index: 1, count: 4 })).toEqual([]);
    const units = Array.from({ length: 10 }, (_, index) => shardUnits(lostUpdate, [], [pair], { index, count: 10_000 })).flat();
    expect(units.every((u) => u.prefix.length <= 4)).toBe(true);
    expect(units).toHaveLength(6); // every complete schedule of the pair, ended runs keep their prefix
    const long = tiny(() => ({}), [function* (_s, t) { for (let i = 0; i < 8; i++) yield* t.step('s', {}); }, function* (_s, t) { for (let i = 0; i < 8; i++) yield* t.step('s', {}); }]);
    const deep = shardUnits(long.model, [], [long.scenario], { index: 0, count: 1_000_000 });
    expect(Math.max(...deep.map((u) => u.prefix.length))).toBe(6);
  });

  it('respects the preemption bound when cutting', () => {
    const units = [0, 1, 2, 3].flatMap((index) => shardUnits(lostUpdate, [], [pair], { index, count: 4 }, 0));
    expect(units.map((u) => u.prefix).sort()).toEqual([[0, 0], [1, 1]]);
  });
});

describe('verify, minimal search and merging', () => {
  it('reports progress per unit and generates scenarios from the bounds', () => {
    const progress: Array<[number, number]> = [];
    const r = verify(lostUpdate, { fixes: ['take-lock'], threads: 2, maxOps: 2, onProgress: (d, t) => progress.push([d, t]) });
    expect(r).toMatchObject({ verdict: 'holds', scenarios: 3 });
    expect(progress).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(verify(lostUpdate, { fixes: ['take-lock'], threads: 1 }).scenarios).toBe(2);
    expect(verify(lostUpdate, { fixes: ['take-lock'], maxOps: 1 }).scenarios).toBe(1);
    expect(verify(lostUpdate, { fixes: ['take-lock'] }).scenarios).toBe(1);
    expect(verify(lostUpdate, { fixes: ['take-lock'], scenarios: [pair, triple] }).scenarios).toBe(2);
  });

  it('sums the work of every unit and stops after the first failing one unless minimal', () => {
    const one = dpor(lostUpdate, new Set(['take-lock']), pair);
    const two = dpor(lostUpdate, new Set(['take-lock']), triple);
    const r = verify(lostUpdate, { fixes: ['take-lock'], scenarios: [pair, triple] });
    expect(r).toMatchObject({ executions: one.executions + two.executions, complete: one.complete + two.complete, redundant: 0, steps: one.steps + two.steps });
    const seen: number[] = [];
    const buggy = verify(lostUpdate, { fixes: [], scenarios: [pair, triple, pair], onProgress: (d) => seen.push(d) });
    expect(buggy.verdict).toBe('violated');
    expect(seen).toEqual([1]);
    expect(buggy.executions).toBe(dpor(lostUpdate, none, pair).executions);
    expect(buggy.counterexample).toMatchObject({ engine: 'exhaustive', scenario: pair, threads: 2 });
    const bounded = verify(lostUpdate, { fixes: [], scenarios: [pair], preemptions: 1 });
    expect(bounded.executions).toBe(boundedDfs(lostUpdate, none, pair, { preemptionBound: 1 }).executions);
  });

  it('the minimal counterexample is the smallest scenario first, then the fewest preemptions', () => {
    const cx = minimalCounterexample(lostUpdate, { fixes: [], scenarios: [triple, pair] });
    expect(cx).toMatchObject({ threads: 2, operations: 2, preemptions: 1, steps: 4, scenario: pair });
    expect(minimalCounterexample(lostUpdate, { fixes: ['take-lock'] })).toBeUndefined();
    expect(minimalCounterexample(lostUpdate, { fixes: [] })).toMatchObject({ scenario: pair, preemptions: 1 });
    // A bound below every failure's preemptions keeps DPOR's own failure.
    const capped = minimalCounterexample(lostUpdate, { fixes: [], scenarios: [pair], maxPreemptions: 0 });
    expect(capped?.outcome.kind).toBe('violation');
    expect(capped?.schedule).toEqual(dpor(lostUpdate, none, pair).failure?.schedule);
    const minimal = verify(lostUpdate, { fixes: [], scenarios: [triple, pair], minimal: true });
    expect(minimal.counterexample).toMatchObject({ scenario: pair, steps: 4 });
    expect(minimal.executions).toBeGreaterThan(dpor(lostUpdate, none, triple).executions + dpor(lostUpdate, none, pair).executions);
  });

  it('minimal search prefers fewer operations among scenarios of the same thread count', () => {
    const big: Scenario = [['increment', 'increment'], ['increment']];
    const cx = minimalCounterexample(lostUpdate, { fixes: [], scenarios: [big, pair] });
    expect(cx?.scenario).toBe(pair);
    const onlyBig = minimalCounterexample(lostUpdate, { fixes: [], scenarios: [big] });
    expect(onlyBig).toMatchObject({ threads: 2, operations: 3, preemptions: 1 });
  });

  const cx = (threads: number, operations: number, preemptions: number, schedule: number[]): Counterexample =>
    ({ threads, operations, preemptions, steps: schedule.length, schedule, scenario: [], outcome: { kind: 'violation', message: '', step: 0 }, trace: [], token: '', engine: 'x' }) as Counterexample;

  it('orders counterexamples by threads, operations, preemptions, steps, then schedule', () => {
    expect(compareCounterexamples(cx(2, 5, 9, [0, 0, 0]), cx(3, 1, 0, [0]))).toBeLessThan(0);
    expect(compareCounterexamples(cx(3, 1, 0, [0]), cx(2, 5, 9, [0, 0, 0]))).toBeGreaterThan(0);
    expect(compareCounterexamples(cx(2, 2, 9, [0]), cx(2, 3, 0, [0]))).toBeLessThan(0);
    expect(compareCounterexamples(cx(2, 2, 0, [0, 0, 0]), cx(2, 2, 1, [0]))).toBeLessThan(0);
    expect(compareCounterexamples(cx(2, 2, 1, [0, 0]), cx(2, 2, 1, [0, 0, 0]))).toBeLessThan(0);
    expect(compareCounterexamples(cx(2, 2, 1, [0, 1, 0]), cx(2, 2, 1, [1, 0, 0]))).toBeLessThan(0);
    expect(compareCounterexamples(cx(2, 2, 1, [1, 0, 0]), cx(2, 2, 1, [0, 1, 0]))).toBeGreaterThan(0);
    expect(compareCounterexamples(cx(2, 2, 1, [0, 1]), cx(2, 2, 1, [0, 1]))).toBe(0);
  });

  it('merging sums the work, keeps the smallest counterexample and the longest time', () => {
    const r = (o: Partial<VerifyResult>): VerifyResult => ({ verdict: 'holds', scenarios: 4, executions: 1, complete: 2, redundant: 3, steps: 4, ms: 5, ...o });
    const small = cx(2, 2, 1, [0, 1]);
    const large = cx(3, 3, 0, [0]);
    const merged = mergeVerifyResults([r({ ms: 7 }), r({ verdict: 'violated', counterexample: large }), r({ verdict: 'violated', counterexample: small, ms: 2 }), r({ verdict: 'violated', counterexample: large })]);
    expect(merged).toEqual({ verdict: 'violated', scenarios: 4, executions: 4, complete: 8, redundant: 12, steps: 16, ms: 7, counterexample: small });
    expect(mergeVerifyResults([])).toEqual({ verdict: 'holds', scenarios: 0, executions: 0, complete: 0, redundant: 0, steps: 0, ms: 0 });
    expect(mergeVerifyResults([r({}), r({ ms: 1 })])).toEqual({ verdict: 'holds', scenarios: 4, executions: 2, complete: 4, redundant: 6, steps: 8, ms: 5 });
  });
});

describe('scenario enumeration', () => {
  function* nothing(): Steps {}
  const m = (over: Record<string, unknown> = {}, ops: Record<string, unknown> = {}) =>
    defineModel({
      name: 'enum',
      title: 't',
      summary: 's',
      fixes: {},
      operations: { a: { summary: 's', kernel: 'k', run: nothing }, b: { summary: 's', kernel: 'k', run: nothing }, ...ops } as never,
      setup: () => ({}),
      invariants: [],
      scenarios: { maxThreads: 2, maxOpsPerThread: 2, maxOps: 3, catalogue: [], ...over } as never,
    });

  it('lists every scenario, smallest first, then by operation order', () => {
    const f = (s: Scenario[]) => s.map((x) => x.map((t) => t.join('')).join('|'));
    expect(f(enumerateScenarios(m(), { threads: 1 }))).toEqual(['a', 'b', 'aa', 'ab', 'ba', 'bb']);
    expect(f(enumerateScenarios(m(), { threads: 2, maxOps: 2 }))).toEqual(['a', 'b', 'aa', 'ab', 'ba', 'bb', 'a|a', 'a|b', 'b|a', 'b|b']);
    expect(enumerateScenarios(m())).toHaveLength(6 + 4 + 16);
    expect(enumerateScenarios(m(), { threads: 5, maxOps: 9 })).toHaveLength(6 + 4 + 16);
    expect(enumerateScenarios(m({ maxOpsPerThread: 3 }), { threads: 1, maxOps: 2 })).toHaveLength(6);
  });

  it('respects minThreads, maxPerScenario and allowed', () => {
    expect(enumerateScenarios(m({ minThreads: 2 }), { maxOps: 2 }).map((s) => s.length)).toEqual([2, 2, 2, 2]);
    const capped = enumerateScenarios(m({}, { b: { summary: 's', kernel: 'k', run: nothing, maxPerScenario: 1 } }), { maxOps: 2 });
    expect(capped.map((x) => x.map((t) => t.join('')).join('|'))).toEqual(['a', 'b', 'aa', 'ab', 'ba', 'a|a', 'a|b', 'b|a']);
    const allowed = enumerateScenarios(m({ allowed: (t: readonly (readonly string[])[]) => t.length === 1 }));
    expect(allowed).toHaveLength(6);
  });
});

describe('ablation', () => {
  const two = defineModel({
    name: 'two-fixes',
    title: 't',
    summary: 's',
    fixes: { lock: { commit: '0', summary: 'lock' }, check: { commit: '0', summary: 'check' }, noise: { commit: '0', summary: 'noise' } },
    operations: {
      inc: {
        summary: 's',
        kernel: 'k',
        *run(s: { l: import('../src/index.js').Lock; c: Var<number>; done: number }, t: Thread<'lock' | 'check' | 'noise'>) {
          if (t.fixed('lock')) yield* s.l.lock();
          const v = yield* s.c.read();
          yield* s.c.write(v + 1);
          if (t.fixed('lock')) yield* s.l.unlock();
          s.done++;
          if (!t.fixed('check')) t.warnOn(s.done > 1 && s.c.value === 1 && false, 'never');
        },
      },
    },
    setup: (w) => ({ l: w.spinlock('l'), c: w.var('c', 0), done: 0 }),
    invariants: [{ name: 'no-lost-update', description: 'c counts the increments', at: 'end', check: (s) => s.c.value === s.done }],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'pair', threads: [['inc'], ['inc']] }] },
  });

  it('rows by subset size then declaration order; necessary and minimal sufficient fixes', () => {
    const a = ablate(two);
    expect(a.rows.map((r) => r.variant)).toEqual(['buggy', 'lock', 'check', 'noise', 'lock,check', 'lock,noise', 'check,noise', 'upstream']);
    expect(a.rows.map((r) => r.verdict)).toEqual(['violated', 'holds', 'violated', 'violated', 'holds', 'holds', 'violated', 'holds']);
    expect(a.rows[0]).toMatchObject({ fixes: [], failure: 'violation no-lost-update' });
    expect(a.rows[1]).not.toHaveProperty('failure');
    expect(a.rows[1]!.executions).toBeGreaterThan(0);
    expect(a.necessary).toEqual(['lock']);
    expect(a.minimalSufficient).toEqual([['lock']]);
  });

  it('nothing is necessary when nothing holds; a failure without an invariant is its kind', () => {
    const broken = defineModel({
      name: 'broken',
      title: 't',
      summary: 's',
      fixes: { f: { commit: '0', summary: 'f' } },
      operations: { op: { summary: 's', kernel: 'k', *run(_s: object, t: Thread) { yield* t.step('s', {}); t.oops('always'); } } },
      setup: () => ({}),
      invariants: [],
      scenarios: { maxThreads: 1, maxOpsPerThread: 1, maxOps: 1, catalogue: [{ name: 'one', threads: [['op']] }] },
    });
    const a = ablate(broken);
    expect(a.rows.map((r) => [r.variant, r.verdict, r.failure])).toEqual([['buggy', 'violated', 'oops'], ['upstream', 'violated', 'oops']]);
    expect(a.necessary).toEqual([]);
    expect(a.minimalSufficient).toEqual([]);
  });

  it('refuses more than twelve fixes', () => {
    const fixes = Object.fromEntries(Array.from({ length: 13 }, (_, i) => [`f${i}`, { commit: '0', summary: 'x' }]));
    const many = defineModel({ ...two, name: 'many', fixes } as never);
    expect(() => ablate(many)).toThrow("model 'many' has 13 fixes; ablation tries 2^k subsets, at most 2^12");
  });
});
