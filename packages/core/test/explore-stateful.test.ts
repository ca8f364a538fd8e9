import { describe, expect, it } from 'vitest';
import { dpor, mergeVerifyResults, Run, verify, type AnyModel, type Var } from '../src/index.js';
import { OpLog, trackedModel } from '../src/explore/op-log.js';
import { StateSpace } from '../src/explore/state-space.js';
import { StateTracker } from '../src/explore/state-tracker.js';
import { statefulSearch } from '../src/explore/stateful.js';
import { tiny } from './fixtures/harness.js';
import { lostUpdate } from './fixtures/lost-update.js';

/** The state key after running `schedule` on a fresh tracked run (one state space for all calls). */
function keyer(model: AnyModel, scenario: string[][]) {
  const space = new StateSpace();
  return (schedule: number[]): string => {
    const log = new OpLog();
    const run = new Run(trackedModel(model, log), new Set(), scenario);
    const tracker = new StateTracker(space, run, log);
    for (const t of schedule) tracker.step(t);
    return tracker.key();
  };
}

describe('state identity', () => {
  it('commuting steps reach one state; what a thread saw tells states apart', () => {
    const m = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0) }), [
      function* (s) {
        yield* s.x.write(1);
        yield* s.x.write(2);
      },
      function* (s) {
        yield* s.y.write(1);
        const v = yield* s.x.read();
        yield* s.y.write(v === 0 ? 5 : 5); // the same value either way: only the read tells them apart
      },
    ]);
    const key = keyer(m.model, m.scenario);
    expect(key([0, 1])).toBe(key([1, 0])); // independent writes
    expect(key([0, 0, 1])).toBe(key([1, 0, 0]));
    // Thread 1 read x = 0 in one, x = 2 in the other: its locals may differ, so the states do.
    expect(key([1, 1, 0, 0])).not.toBe(key([0, 0, 1, 1]));
    // Once a thread has finished, what it saw no longer matters.
    expect(key([1, 1, 1, 0, 0])).toBe(key([0, 0, 1, 1, 1]));
    expect(key([0])).not.toBe(key([1]));
  });

  it('a write shows its thread nothing; an update shows the new value', () => {
    const m = tiny((w) => ({ x: w.counter('x', 0) }), [
      function* (s) {
        yield* s.x.write(7);
        yield* s.x.write(7);
      },
      function* (s) {
        yield* s.x.write(7);
        yield* s.x.read();
      },
    ]);
    const key = keyer(m.model, m.scenario);
    // Thread 0's two writes of 7 see nothing whatever x held; the versions say how many writes.
    expect(key([0, 1, 0])).toBe(key([1, 0, 0]));
    const n = tiny((w) => ({ x: w.counter('x', 0) }), [
      function* (s) {
        yield* s.x.increment();
        yield* s.x.write(0);
      },
      function* (s) {
        yield* s.x.increment();
        yield* s.x.write(0);
      },
    ]);
    const k2 = keyer(n.model, n.scenario);
    // Both incremented, but thread 0 got 1 in one order and 2 in the other.
    expect(k2([0, 1])).not.toBe(k2([1, 0]));
  });

  it('ghost fields are part of the state', () => {
    const m = tiny((w) => ({ x: w.var('x', 0), seen: [] as number[] }), [
      function* (s) {
        const v = yield* s.x.read();
        s.seen.push(v);
      },
      function* (s) {
        yield* s.x.write(1);
      },
    ]);
    const key = keyer(m.model, m.scenario);
    expect(key([0, 1])).not.toBe(key([1, 0]));
  });
});

describe('stateful search', () => {
  it('verifies like DPOR and skips states reached before', () => {
    const triple = [['increment'], ['increment'], ['increment']];
    for (const fixes of [[], ['take-lock']]) {
      const a = statefulSearch(lostUpdate, new Set(fixes), triple, { stopAtFirst: false });
      const b = dpor(lostUpdate, new Set(fixes), triple, { stopAtFirst: false });
      expect(a.failures > 0).toBe(b.failures > 0);
      expect(a.stateHits).toBeGreaterThan(0);
      expect(a.executions).toBe(a.complete + a.redundant + a.stateHits);
      expect(a.states).toBeGreaterThan(0);
    }
    // Three lock orders end in one state, and the locked run checks each state once.
    const locked = statefulSearch(lostUpdate, new Set(['take-lock']), triple, { stopAtFirst: false });
    expect(locked.complete).toBeLessThan(6);
  });

  it('follows a prefix and the step budget', () => {
    const r = statefulSearch(lostUpdate, new Set(), [['increment'], ['increment']], { stopAtFirst: false, prefix: [1, 0], onExecution: (run) => expect(run.schedule.slice(0, 2)).toEqual([1, 0]) });
    expect(r.failures).toBeGreaterThan(0);
    const spin = tiny((w) => ({ v: w.var('v', 0) }), [function* (s) { for (;;) yield* s.v.read(); }]);
    expect(statefulSearch(spin.model, new Set(), spin.scenario, { maxSteps: 5 }).failure?.outcome).toMatchObject({ kind: 'bound-reached' });
  });

  it('DPOR counts the states an earlier interleaving reached when asked, and nothing else changes', () => {
    const triple = [['increment'], ['increment'], ['increment']];
    const plain = dpor(lostUpdate, new Set(), triple, { stopAtFirst: false });
    const counted = dpor(lostUpdate, new Set(), triple, { stopAtFirst: false, countStates: true });
    expect(plain).not.toHaveProperty('stateHits');
    expect({ ...counted, stateHits: undefined }).toEqual({ ...plain, stateHits: undefined });
    expect(counted.stateHits).toBeGreaterThan(0);
  });
});

describe('verify engines', () => {
  /** Two unlocked increments with a state invariant (checked after every step). */
  const always = tiny((w) => ({ x: w.var('x', 0) as Var<number> }), [
    function* (s) {
      const v = yield* s.x.read();
      yield* s.x.write(v + 1);
    },
    function* (s) {
      const v = yield* s.x.read();
      yield* s.x.write(v + 1);
    },
  ], { invariants: [{ name: 'x-small', description: 'x < 2', check: (s) => s.x.value < 2 }] });

  it('auto picks the stateful search for state invariants and DPOR otherwise', () => {
    const scenarios = [always.scenario];
    const auto = verify(always.model, { fixes: [], scenarios });
    expect(auto.verdict).toBe('violated');
    expect(auto.stateHits).toBeGreaterThanOrEqual(0);
    expect(auto.states).toBeGreaterThan(0);
    const byDpor = verify(always.model, { fixes: [], scenarios, engine: 'dpor' });
    expect(byDpor.verdict).toBe('violated');
    expect(byDpor).not.toHaveProperty('stateHits');
    const end = verify(lostUpdate, { fixes: ['take-lock'] });
    expect(end).not.toHaveProperty('stateHits');
    const forced = verify(lostUpdate, { fixes: ['take-lock'], engine: 'stateful' });
    expect(forced.verdict).toBe('holds');
    expect(forced.states).toBeGreaterThan(0);
    const bounded = verify(lostUpdate, { fixes: [], preemptions: 1 });
    expect(bounded.verdict).toBe('violated');
    expect(bounded.states).toBeGreaterThan(0);
  });

  it('the minimal counterexample does not depend on the engine', () => {
    const a = verify(always.model, { fixes: [], scenarios: [always.scenario], minimal: true });
    const b = verify(always.model, { fixes: [], scenarios: [always.scenario], minimal: true, engine: 'dpor' });
    expect(a.counterexample?.schedule).toEqual(b.counterexample?.schedule);
    expect(a.counterexample?.preemptions).toBe(b.counterexample?.preemptions);
  });

  it('merging sums state hits when shards report them', () => {
    const parts = [0, 1].map((index) => verify(lostUpdate, { fixes: ['take-lock'], engine: 'stateful', threads: 2, maxOps: 2, shard: { index, count: 2 } }));
    const merged = mergeVerifyResults(parts);
    expect(merged.stateHits).toBe((parts[0]?.stateHits ?? 0) + (parts[1]?.stateHits ?? 0));
    expect(merged.states).toBe((parts[0]?.states ?? 0) + (parts[1]?.states ?? 0));
    expect(merged.verdict).toBe('holds');
  });
});
