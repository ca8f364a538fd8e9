import { ablateBarriers, defineModel, exploreWeak, modelBarriers, type Var } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { radixNested } from '../src/index.js';

// radix-nested under the LKMM (issue 20 section 1): the nested fault's smp_rmb() after sampling
// mmu_notifier_seq is the model's toggle, mmu_invalidate_retry()'s smp_rmb() and
// kvm_mmu_invalidate_end()'s smp_wmb() come with core's mmu notifier; the upstream fix holds over
// the whole catalogue with every barrier, and the buggy variant still breaks I_A. The barrier table
// is `kvmrace ablate radix-nested --memory lkmm --barriers` over the whole catalogue (README).
const BARRIERS = ['__kvmhv_nested_page_fault:smp_rmb', 'mmu_invalidate_retry:smp_rmb', 'kvm_mmu_invalidate_end:smp_wmb'];

describe('radix-nested under lkmm', () => {
  it('declares the fault-side barrier and gets the mmu notifier\'s two', () => {
    expect(modelBarriers(radixNested).map((b) => b.name)).toEqual(BARRIERS);
  });
  for (const sc of radixNested.scenarios.catalogue) {
    it(`upstream holds: ${sc.name}`, () => {
      const r = exploreWeak(radixNested, new Set(radixNested.upstream ?? Object.keys(radixNested.fixes)), sc.threads, { memory: 'lkmm' });
      expect(r.failures).toBe(0);
      expect(r.consistent).toBeGreaterThan(0);
    });
    it(`buggy is still found: ${sc.name}`, () => {
      expect(exploreWeak(radixNested, new Set(), sc.threads, { memory: 'lkmm', stopAtFirst: true }).failure?.outcome.invariant).toBe('I_A');
    });
  }

  // No barrier is needed within the bound: the fault's seq sample is ordered before its guest-pte
  // read by the release of mmu_lock that kvm_radix_test_clear_dirty() then acquires (an LB shape
  // the lock forbids), and no scenario invalidates, so mmu_notifier_count stays 0 and
  // kvm_mmu_invalidate_end() never runs.
  it('barrier ablation over the whole catalogue: no barrier needed within the bound, under lkmm or tso, nor the kernel-paired pair', () => {
    const a = ablateBarriers(radixNested, { fixes: [...radixNested.upstreamFixes], memory: 'lkmm' });
    expect(a.scenarios).toBe(radixNested.scenarios.catalogue.length);
    expect(a.baseline.verdict).toBe('holds');
    expect(a.rows.map((r) => [r.barrier, r.memory.verdict, r.tso.verdict])).toEqual(BARRIERS.map((b) => [b, 'not needed', 'not needed']));
    expect(a.rows.every((r) => r.memory.executions > 0 && r.tso.executions > 0)).toBe(true);
    expect(a.pairs.map((p) => [p.barriers, p.memory.verdict])).toEqual([[[BARRIERS[1], BARRIERS[2]], 'not needed']]);
  });

  it('buggy\'s race is an interleaving one: no weak edge, sc finds it too', () => {
    const r = exploreWeak(radixNested, new Set(), radixNested.scenarios.catalogue[0]!.threads, { memory: 'lkmm' });
    expect(r.failure?.outcome.invariant).toBe('I_A');
    expect(r.failure?.weakEdges).toBe(0);
  });

  // The finding (README, "Under the LKMM"): kvm_radix_test_clear_dirty() tests the guest pte with
  // a plain dereference and no lock, while the set-rc path updates it under mmu_lock. With the
  // guest-pte reads plain, as the kernel writes them, the LKMM calls that a data race.
  it('with the guest-pte reads plain, as in the kernel, the LKMM reports a data race', () => {
    const kernelPlain = defineModel({
      ...radixNested,
      setup: (w) => {
        const s = radixNested.setup(w);
        plainReads(s.gpte);
        return s;
      },
    });
    const scenario = radixNested.scenarios.catalogue.find((c) => c.name === 'fault-vs-clear-dirty-vs-set-rc')!.threads;
    const r = exploreWeak(kernelPlain, new Set(radixNested.upstreamFixes), scenario, { memory: 'lkmm', stopAtFirst: true });
    expect(r.failure?.outcome.kind).toBe('data-race');
    expect(r.failure?.outcome.message).toMatch(/CPU1's plain read of gpte .* CPU2's marked write of gpte/); // test_clear_dirty's look vs set-rc's update
  });
});

/** Makes a variable's marked reads (READ_ONCE) plain C ones, for this run's world. */
function plainReads<T>(v: Var<T>): void {
  v.read = (label?: string) => v.plainRead(label);
}
