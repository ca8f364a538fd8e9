import { exploreWeak, modelBarriers } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { radixNested } from '../src/index.js';

// radix-nested under the LKMM (issue 20 section 1): the nested fault's smp_rmb() after sampling
// mmu_notifier_seq is the model's toggle, mmu_invalidate_retry()'s smp_rmb() and
// kvm_mmu_invalidate_end()'s smp_wmb() come with core's mmu notifier; the upstream fix holds over
// the whole catalogue with every barrier, and the buggy variant still breaks I_A.

describe('radix-nested under lkmm', () => {
  it('declares the fault-side barrier and gets the mmu notifier\'s two', () => {
    expect(modelBarriers(radixNested).map((b) => b.name)).toEqual(['__kvmhv_nested_page_fault:smp_rmb', 'mmu_invalidate_retry:smp_rmb', 'kvm_mmu_invalidate_end:smp_wmb']);
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
});
