import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { PFNCACHE_CATALOGUE, pfncache } from '../src/index.js';

const refreshVsDeactivate = PFNCACHE_CATALOGUE[0]?.threads ?? [];

describe('hunting the buggy variant', () => {
  it('the smallest catalogue scenario is refresh vs deactivate', () => {
    expect(refreshVsDeactivate).toEqual([['refresh'], ['deactivate']]);
  });

  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('seed %i: PCT finds a valid, inactive or dangling cache', (seed) => {
    const r = hunt(pfncache, { fixes: [], seed, runs: 2000, strategy: 'pct', scenarios: [refreshVsDeactivate] });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome.kind).toBe('violation');
    expect(['I_E1', 'I_E2']).toContain(r.counterexample?.outcome.invariant);
    expect(r.counterexample?.threads).toBe(2);
  });

  it('the default hunt over the whole catalogue finds it too (random walk)', () => {
    const r = hunt(pfncache, { fixes: [], seed: 1, runs: 2000, strategy: 'random' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome.kind).not.toBe('ok');
  });
});
