import { exploreWeak, modelBarriers } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { pfncache } from '../src/index.js';

// pfncache under the LKMM (issue 20 section 1): hva_to_pfn_retry()'s smp_rmb() after sampling
// mmu_invalidate_seq and mmu_notifier_retry_cache()'s smp_rmb() (which "pairs with the smp_wmb()
// in mmu_notifier_invalidate_range_end()") are the model's toggles; the mmu notifier's come with
// core's primitive. The refresh-vs-deactivate race is still found, upstream holds there.
// Scenarios with an invalidate thread run for minutes under lkmm (see the README).

describe('pfncache under lkmm', () => {
  it('declares its two barriers and gets the mmu notifier\'s', () => {
    const barriers = modelBarriers(pfncache);
    expect(barriers.map((b) => b.name)).toEqual(['hva_to_pfn_retry:smp_rmb', 'mmu_notifier_retry_cache:smp_rmb', 'mmu_invalidate_retry:smp_rmb', 'kvm_mmu_invalidate_end:smp_wmb']);
    expect(barriers[1]?.pairsWith).toEqual(['kvm_mmu_invalidate_end:smp_wmb']);
  });
  it('upstream holds: refresh-vs-deactivate', () => {
    const r = exploreWeak(pfncache, new Set(pfncache.upstream), [['refresh'], ['deactivate']], { memory: 'lkmm' });
    expect(r.failures).toBe(0);
    expect(r.consistent).toBeGreaterThan(0);
  });
  it('buggy is still found: refresh-vs-deactivate', () => {
    const r = exploreWeak(pfncache, new Set(), [['refresh'], ['deactivate']], { memory: 'lkmm', stopAtFirst: true });
    expect(r.failure?.outcome.invariant).toBe('I_E1');
  });
  // SRCU sections and stale reads: judging only the steps that may close a cycle (core's
  // weak-memory.ts) drops the same runs as judging every step.
  it('judging only steps that may close a cycle gives the counts of judging every step', () => {
    const scenario = pfncache.scenarios.catalogue.find((s) => s.name === 'refresh-vs-deactivate-activate')!.threads;
    for (const memory of ['lkmm', 'tso'] as const) {
      const every = exploreWeak(pfncache, new Set(pfncache.upstream), scenario, { memory, judgeEveryStep: true });
      expect(exploreWeak(pfncache, new Set(pfncache.upstream), scenario, { memory })).toEqual(every);
    }
  });
});
