import { hunt, resolveVariant } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { PFNCACHE_CATALOGUE, pfncache } from '../src/index.js';

// The question of issue 3: with an invalidate thread, does `rework-refresh` alone hold? The rework
// as posted runs mmu_notifier_retry_cache() without gpc->lock, so an invalidation can raise the
// count, find valid == 0 in gfn_to_pfn_cache_invalidate_start() and remap H after the check passed
// and before the install. The engine is asked with 20 seeds of PCT (1,000 runs each); it answers: no, and the
// upstream refresh_lock does not save it either (the notifier never takes refresh_lock).
const scenario = PFNCACHE_CATALOGUE.find((s) => s.name === 'refresh-vs-invalidate')?.threads ?? [];
const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

describe('rework-refresh with an invalidate thread', () => {
  it('the scenario is one refresh against one invalidation', () => {
    expect(scenario).toEqual([['refresh'], ['invalidate']]);
  });

  it.each([
    ['rework (rework-refresh alone)', 'rework'],
    ['all (both fixes)', 'all'],
  ])('%s: PCT finds a stale pfn installed as valid (I_E2) for each of 20 seeds', (_name, variant) => {
    const { fixes } = resolveVariant(pfncache, variant);
    for (const seed of seeds) {
      const r = hunt(pfncache, { fixes, seed, runs: 1000, strategy: 'pct', scenarios: [scenario] });
      expect(r.found, `seed ${seed}`).toBe(true);
      expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_E2' });
      expect(r.counterexample?.outcome.message).toMatch(/gpc->pfn = P, but the primary MMU maps H to P1/);
    }
  });

  it.each([
    ['buggy', 'buggy'],
    ['upstream', 'upstream'],
  ])('%s: the retry check under gpc->lock holds against the same hunt', (_name, variant) => {
    const { fixes } = resolveVariant(pfncache, variant);
    for (const seed of seeds) {
      const r = hunt(pfncache, { fixes, seed, runs: 1000, strategy: 'pct', scenarios: [scenario] });
      expect(r.found, `seed ${seed}`).toBe(false);
    }
  });
});
