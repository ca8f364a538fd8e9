import { hunt, resolveVariant } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { pfncacheRetry } from '../src/index.js';

// Issue 22: PCT starves the invalidator in the middle of an invalidation, which no fair scheduler
// does; the hunt calls that run a suspected livelock only when the liveness search finds a fair
// lasso from its scenario.

const buggy = resolveVariant(pfncacheRetry, 'buggy').fixes;
const fixed = resolveVariant(pfncacheRetry, 'upstream').fixes;
const [againstOne, againstTwo] = pfncacheRetry.scenarios.catalogue.map((s) => s.threads);

describe('pfncache-retry under hunt --strategy pct', () => {
  it('buggy, against the invalidator the model declares endless: a suspected livelock with its lasso', () => {
    const r = hunt(pfncacheRetry, { fixes: buggy, seed: 1, runs: 200, strategy: 'pct', scenarios: [againstOne!] });
    expect(r.counterexample?.outcome.kind).toBe('bound-reached');
    expect(r.liveness).toMatchObject({ verdict: 'livelock', endless: [1] });
    expect(r.liveness?.lasso?.starving).toEqual([0]);
    expect(r.liveness?.lasso?.trace.some((e) => e.fn === 'kvm_mmu_notifier_invalidate_range_end')).toBe(true);
  });

  it('buggy, against two invalidations that end: stays bound-reached (every fair run completes the refresh)', () => {
    const r = hunt(pfncacheRetry, { fixes: buggy, seed: 1, runs: 200, strategy: 'pct', scenarios: [againstTwo!] });
    expect(r.counterexample?.outcome.kind).toBe('bound-reached');
    expect(r.liveness).toMatchObject({ verdict: 'holds', endless: [] });
    expect(r.liveness?.lasso).toBeUndefined();
  });

  it('fixed: no run runs out of steps', () => {
    const r = hunt(pfncacheRetry, { fixes: fixed, seed: 1, runs: 200, strategy: 'pct' });
    expect(r.found).toBe(false);
    expect(r.outcomes['bound-reached']).toBe(0);
  });
});
