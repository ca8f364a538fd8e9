import { exploreWeak, modelBarriers } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { changePte } from '../src/index.js';

// change-pte under the LKMM (issue 20 section 1): the fault's smp_rmb() after sampling
// mmu_notifier_seq is the model's toggle, mmu_invalidate_retry()'s smp_rmb() and
// kvm_mmu_invalidate_end()'s smp_wmb() come with core's mmu notifier; upstream holds on the
// catalogue's two-thread scenarios with every barrier, and the unbracketed caller without the
// seq bump still breaks I_C.

const scenarios = changePte.scenarios.catalogue.filter((s) => ['fault-vs-ksm', 'fault-vs-invalidate', 'mapped-fault-vs-ksm'].includes(s.name));

describe('change-pte under lkmm', () => {
  it('declares the fault-side barrier and gets the mmu notifier\'s two', () => {
    expect(modelBarriers(changePte).map((b) => b.name)).toEqual(['kvmppc_book3s_instantiate_page:smp_rmb', 'mmu_invalidate_retry:smp_rmb', 'kvm_mmu_invalidate_end:smp_wmb']);
    expect(modelBarriers(changePte)[1]?.pairsWith).toEqual(['kvm_mmu_invalidate_end:smp_wmb']);
  });
  it('covers three catalogue scenarios', () => expect(scenarios).toHaveLength(3));
  for (const sc of scenarios) {
    it(`upstream holds: ${sc.name}`, () => {
      const r = exploreWeak(changePte, new Set(changePte.upstream), sc.threads, { memory: 'lkmm' });
      expect(r.failures).toBe(0);
      expect(r.consistent).toBeGreaterThan(0);
    });
  }
  it('buggy is still found (I_C)', () => {
    const r = exploreWeak(changePte, new Set(), [['page_fault'], ['ksm_replace_page']], { memory: 'lkmm', stopAtFirst: true });
    expect(r.failure?.outcome.invariant).toBe('I_C');
  });
});
