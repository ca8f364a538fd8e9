import { defineModel } from '@kvmrace/core';
import { changePteFixes, changePteUpstream, changePteVariants } from './fixes.js';
import { invalidateRange } from './invalidate-range.js';
import { noStaleSpte } from './invariants.js';
import { ksmReplacePage } from './ksm-replace-page.js';
import { pageFault } from './page-fault.js';
import { changePteScenarios } from './scenarios.js';
import { describeChangePte, setupChangePte } from './state.js';

/**
 * `.change_pte()` and the mmu-notifier seq/count (../../shared/PROTOCOLS.md section C): a fault
 * that samples `mmu_notifier_seq` before gup and checks `mmu_notifier_retry()` under `mmu_lock`,
 * against KSM's `set_pte_at_notify()` with or without the invalidate bracket, and the
 * `kvm_mmu_notifier_change_pte()` handler before and after c13fda237f08.
 */
export const changePte = defineModel({
  name: 'change-pte',
  title: '.change_pte() and the mmu-notifier seq/count (c13fda237f08, 6bdb913f0a70)',
  summary:
    'A vCPU fault samples mmu_notifier_seq, gups the old page, and installs it under mmu_lock unless ' +
    'mmu_notifier_retry() objects. KSM replaces the page with set_pte_at_notify(). Unbracketed and without ' +
    'the seq++ in .change_pte(), nothing tells the fault, and KVM keeps mapping the old page (I_C); with ' +
    "c13fda237f08's handler the WARN_ON_ONCE(!count) fires instead; either the bracket or the seq++ makes it safe.",
  sources: [
    'kvm list: "[PATCH v2 01/10] KVM: Assert that notifier count is elevated in .change_pte()" (Sean Christopherson, 2021-04-01) = c13fda237f08',
    'torvalds/linux virt/kvm/kvm_main.c @ 00116795aa87 (v5.3 era): kvm_mmu_notifier_change_pte, _invalidate_range_start/_end',
    'include/linux/kvm_host.h: mmu_notifier_retry()',
    'arch/powerpc/kvm/book3s_64_mmu_radix.c: kvmppc_book3s_instantiate_page, kvmppc_create_pte (x86: direct_page_fault)',
    'mm/ksm.c: replace_page(), set_pte_at_notify() (include/linux/mmu_notifier.h); 6bdb913f0a70 adds the bracket',
  ],
  fixes: changePteFixes,
  upstream: changePteUpstream,
  variants: changePteVariants,
  barriers: {
    // mmu_invalidate_retry()'s smp_rmb() and kvm_mmu_invalidate_end()'s smp_wmb() come with core's mmu notifier.
    'kvmppc_book3s_instantiate_page:smp_rmb': {
      summary: 'mmu_seq = kvm->mmu_notifier_seq; smp_rmb(); orders the sequence sample before the translation (gup) it guards',
    },
  },
  operations: {
    page_fault: {
      summary: 'a vCPU faults on the gfn: sample seq, gup, install the spte under mmu_lock unless told to retry (MAX_RETRY 2)',
      kernel: 'direct_page_fault() / kvmppc_book3s_instantiate_page() + kvmppc_create_pte()',
      run: (s, t) => t.within('direct_page_fault', pageFault(s, t)),
    },
    ksm_replace_page: {
      summary: 'KSM replaces the page: set_pte_at_notify() under ptl, bracketed by invalidate_range_start/end or not',
      kernel: 'replace_page() -> set_pte_at_notify() -> kvm_mmu_notifier_change_pte()',
      run: (s, t) => t.within('replace_page', ksmReplacePage(s, t)),
    },
    invalidate_range: {
      summary: 'an invalidation on its own: invalidate_range_start (count++, zap) then invalidate_range_end (seq++, count--)',
      kernel: 'kvm_mmu_notifier_invalidate_range_start() / kvm_mmu_notifier_invalidate_range_end()',
      run: invalidateRange,
    },
  },
  setup: setupChangePte,
  invariants: [noStaleSpte],
  scenarios: changePteScenarios,
  describeState: describeChangePte,
});
