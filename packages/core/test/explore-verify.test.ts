import { describe, expect, it } from 'vitest';
import { ablate, boundedDfs, decodeToken, enumerateScenarios, explore, mergeVerifyResults, minimalCounterexample, replaySchedule, verify } from '../src/index.js';
import { lostUpdate } from './fixtures/lost-update.js';

const pair = [['increment'], ['increment']];

describe('verify on the lost update', () => {
  it('the locked variant holds over every interleaving; the buggy one is violated', () => {
    const fixed = verify(lostUpdate, { fixes: ['take-lock'] });
    expect(fixed).toMatchObject({ verdict: 'holds', scenarios: 1 });
    expect(fixed.counterexample).toBeUndefined();
    expect(fixed.complete).toBeGreaterThan(0);
    const buggy = verify(lostUpdate, { fixes: [] });
    expect(buggy.verdict).toBe('violated');
    expect(buggy.counterexample?.outcome.invariant).toBe('no-lost-update');
    expect(buggy.counterexample?.engine).toBe('exhaustive');
    const token = decodeToken(buggy.counterexample?.token as string);
    expect(token.engine).toBe('exhaustive');
    expect(replaySchedule(lostUpdate, [], token.scenario, token.schedule).outcome.kind).toBe('violation');
  });

  it('DPOR explores one execution per order of the critical sections, none redundant', () => {
    const reduced = explore(lostUpdate, { fixes: ['take-lock'], scenario: [['increment'], ['increment'], ['increment']], stopAtFirst: false });
    const full = explore(lostUpdate, { fixes: ['take-lock'], scenario: [['increment'], ['increment'], ['increment']], reduction: 'none', stopAtFirst: false });
    expect(reduced.failures).toBe(0);
    expect(full.failures).toBe(0);
    expect(full.complete).toBe(6);
    expect(reduced.complete).toBe(6); // 3! lock orders, nothing else to reorder
    expect(reduced.redundant).toBe(0);
  });

  it('the minimal counterexample has the fewest preemptions, then the fewest steps', () => {
    const cx = minimalCounterexample(lostUpdate, { fixes: [] });
    expect(cx).toMatchObject({ threads: 2, operations: 2, preemptions: 1, steps: 4 });
    // Proof by the bound: no schedule with 0 preemptions fails, and none with 1 is shorter.
    expect(boundedDfs(lostUpdate, new Set(), pair, { preemptionBound: 0, stopAtFirst: false }).failures).toBe(0);
    const one = boundedDfs(lostUpdate, new Set(), pair, { preemptionBound: 1, stopAtFirst: false });
    expect(one.failure?.schedule).toEqual(cx?.schedule);
    expect(verify(lostUpdate, { fixes: [], minimal: true }).counterexample?.schedule).toEqual(cx?.schedule);
  });

  it('minimal search over generated scenarios picks the smallest scenario', () => {
    const scenarios = enumerateScenarios(lostUpdate, { threads: 3, maxOps: 3 });
    expect(scenarios[0]).toEqual([['increment']]);
    expect(scenarios).toContainEqual([['increment'], ['increment', 'increment']]);
    const r = verify(lostUpdate, { fixes: [], threads: 3, maxOps: 3, minimal: true });
    expect(r.counterexample).toMatchObject({ threads: 2, operations: 2, preemptions: 1 });
    expect(verify(lostUpdate, { fixes: ['take-lock'], threads: 3, maxOps: 3 }).verdict).toBe('holds');
  });

  it('is deterministic, and shards partition the work and merge to the same verdict', () => {
    const scenarios = enumerateScenarios(lostUpdate, { threads: 3, maxOps: 3 });
    const whole = verify(lostUpdate, { fixes: ['take-lock'], scenarios });
    const again = verify(lostUpdate, { fixes: ['take-lock'], scenarios });
    expect({ ...again, ms: 0 }).toEqual({ ...whole, ms: 0 });
    for (const count of [2, 3, 7]) {
      const parts = Array.from({ length: count }, (_, index) => verify(lostUpdate, { fixes: ['take-lock'], scenarios, shard: { index, count } }));
      const merged = mergeVerifyResults(parts);
      expect(merged.verdict).toBe('holds');
      expect(merged.complete).toBeGreaterThanOrEqual(whole.complete);
      const buggy = mergeVerifyResults(Array.from({ length: count }, (_, index) => verify(lostUpdate, { fixes: [], scenarios, shard: { index, count }, minimal: true })));
      expect(buggy.verdict).toBe('violated');
      expect(buggy.counterexample).toMatchObject({ threads: 2, operations: 2, preemptions: 1, steps: 4 });
    }
    expect(() => verify(lostUpdate, { fixes: [], shard: { index: 2, count: 2 } })).toThrow(/shard 3\/2/);
  });

  it('a preemption bound limits the search', () => {
    expect(verify(lostUpdate, { fixes: [], preemptions: 0 }).verdict).toBe('holds');
    expect(verify(lostUpdate, { fixes: [], preemptions: 1 }).verdict).toBe('violated');
  });

  it('ablation finds the lock necessary', () => {
    const a = ablate(lostUpdate);
    expect(a.rows.map((r) => [r.variant, r.verdict])).toEqual([
      ['buggy', 'violated'],
      ['upstream', 'holds'],
    ]);
    expect(a.necessary).toEqual(['take-lock']);
    expect(a.minimalSufficient).toEqual([['take-lock']]);
  });
});
