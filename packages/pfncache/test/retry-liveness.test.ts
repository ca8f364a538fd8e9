import { livenessSearch, resolveVariant, verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { pfncacheRetry } from '../src/index.js';

const scenario = pfncacheRetry.liveness[0]!;
const buggy = new Set(resolveVariant(pfncacheRetry, 'buggy').fixes);
const fixed = new Set(resolveVariant(pfncacheRetry, 'upstream').fixes);

describe('pfncache-retry: hva_to_pfn_retry() vs an endless invalidator of other memory', () => {
  it('declares the invalidator endless', () => {
    expect(scenario).toMatchObject({ name: 'refresh-vs-endless-invalidate-other', threads: [['refresh'], ['invalidate_other']], endless: [1] });
    expect([...fixed]).toEqual(['range-based-retry']);
  });

  it('buggy: a fair lasso in which the refresh retries for ever', () => {
    const r = livenessSearch(pfncacheRetry, buggy, scenario.threads, { endless: scenario.endless });
    expect(r.verdict).toBe('livelock');
    const lasso = r.lasso!;
    expect(lasso.starving).toEqual([0]);
    // The stem takes the refresh into its loop; the cycle runs both CPUs, the refresh through its
    // retry check and back to mmu_seq, the invalidator through whole invalidations.
    const cycle = lasso.trace.slice(lasso.stem.length);
    expect(new Set(cycle.map((e) => e.thread))).toEqual(new Set([0, 1]));
    const labels = cycle.filter((e) => e.thread === 0).map((e) => e.label);
    expect(labels).toContain('WARN_ON_ONCE(gpc->valid); } while (mmu_notifier_retry_cache(kvm, mmu_seq))');
    expect(labels).toContain('mmu_seq = kvm->mmu_invalidate_seq');
    expect(cycle.filter((e) => e.fn === 'kvm_mmu_notifier_invalidate_range_end').length).toBeGreaterThan(0);
    // Never reaching the install.
    expect(lasso.trace.some((e) => e.label.startsWith('gpc->valid = true'))).toBe(false);
    expect(lasso.repeats).toBeGreaterThan(1);
    expect(r.spurious).toBe(0);
  });

  it('fixed: the refresh completes on every fair schedule', () => {
    const r = livenessSearch(pfncacheRetry, fixed, scenario.threads, { endless: scenario.endless });
    expect(r.verdict).toBe('holds');
    expect(r.failure).toBeUndefined();
    expect(r.states).toBeGreaterThan(100);
  });

  it('fixed, weak fairness: only lock starvation is left (the refresh waiting at a lock the invalidator retakes)', () => {
    const r = livenessSearch(pfncacheRetry, fixed, scenario.threads, { endless: scenario.endless, fairness: 'weak' });
    expect(r.verdict).toBe('livelock');
    const cycle = r.lasso!.trace.slice(r.lasso!.stem.length);
    expect(cycle.every((e) => e.thread === 1)).toBe(true);
  });

  it('fixed is safe over the catalogue and every run ends; buggy only spins', () => {
    expect(verify(pfncacheRetry, { fixes: [...fixed] }).verdict).toBe('holds');
    // Buggy breaks no invariant; its runs that do not end are those where the invalidator stops
    // half-way (an unfair schedule): bound-reached, which only the liveness search can tell apart.
    const r = verify(pfncacheRetry, { fixes: [...buggy] });
    expect(r.counterexample?.outcome.kind).toBe('bound-reached');
  });
});
