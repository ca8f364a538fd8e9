import { describe, expect, it } from 'vitest';
import { boundedDfs, dpor, type Run } from '../src/index.js';
import { expectCachingKeepsOutcomes, expectDporFindsWhatDfsFinds, outcomes } from './explore-outcomes.js';
import { statefulSearch } from '../src/explore/stateful.js';
import { randomModel } from './explore-random-models.js';

describe('reductions against plain DFS on generated models', () => {
  for (const always of [false, true]) {
    it(`DPOR and the stateful search find exactly the outcomes plain DFS finds (${always ? 'invariant after every step' : 'invariant at the end'})`, () => {
      let dporRuns = 0;
      let dfsRuns = 0;
      // Per kind of model (has failures or not): DPOR executions and the sleep-set-blocked ones.
      const blocked = { failing: { runs: 0, redundant: 0 }, passing: { runs: 0, redundant: 0 } };
      let statefulSteps = 0;
      let dfsSteps = 0;
      let kinds = new Set<string>();
      for (let seed = 1; seed <= 150; seed++) {
        const { model, scenario } = randomModel(seed, always);
        const full = outcomes(model, scenario, boundedDfs, always);
        if (full.r.executions > 20_000) continue;
        const reduced = outcomes(model, scenario, dpor, always);
        expectDporFindsWhatDfsFinds(model, scenario, always, full, reduced, `seed ${seed}`);
        // With state invariants DPOR restarts when it learns a new object they read; count all.
        if (!always) expect(reduced.r.complete).toBeLessThanOrEqual(full.r.executions);
        // The stateful search visits every state: the very same final (and failing) states.
        const cached = outcomes(model, scenario, statefulSearch, always);
        expect(cached.full, `seed ${seed} (stateful)`).toEqual(full.full);
        expect(cached.r.failures > 0, `seed ${seed} (stateful)`).toBe(full.r.failures > 0);
        dporRuns += reduced.r.executions;
        dfsRuns += full.r.executions;
        const kind = blocked[full.r.failures > 0 ? 'failing' : 'passing'];
        kind.runs += reduced.r.executions;
        kind.redundant += reduced.r.redundant;
        statefulSteps += cached.r.steps;
        dfsSteps += full.r.steps;
        kinds = new Set([...kinds, ...full.seen.map((s) => s.split(' ')[0] as string)]);
      }
      // The generator must exercise every ending, and the reductions must be real.
      expect([...kinds].sort()).toEqual(['deadlock', 'ok', 'violation']);
      expect(dporRuns).toBeLessThan(dfsRuns / 2);
      expect(statefulSteps).toBeLessThan(dfsSteps / 2);
      // Wakeup trees (issue 24): no execution ends sleep-set-blocked, on the models with failures
      // (the runs behind a failure take the deferred failing step) as on the others (a race whose
      // blocking step could not go first is not reversed).
      expect(blocked.failing.runs).toBeGreaterThan(0);
      expect(blocked.passing.runs).toBeGreaterThan(0);
      expect(blocked.failing.redundant, 'models with failures').toBe(0);
      expect(blocked.passing.redundant, 'models without').toBe(0);
    });
  }

  it('state caching under a preemption bound keeps the outcomes, the first failure and the best one', () => {
    expectCachingKeepsOutcomes(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});
