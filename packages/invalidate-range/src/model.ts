import { defineModel } from '@kvmrace/core';
import { invalidateRangeBarriers, invalidateRangeFixes, invalidateRangeVariants } from './fixes.js';
import { noStaleSpte, outsideNotRetried } from './invariants.js';
import { invalidateRange } from './mmu-notifier.js';
import { pageFault } from './page-fault.js';
import { invalidateRangeScenarios } from './scenarios.js';
import { describeInvalidateRange, setupInvalidateRange } from './state.js';

/**
 * x86's range-based mmu-notifier retry (v6.8): kvm_mmu_invalidate_begin/range_add/end against a
 * TDP fault's sequence snapshot, lockless pre-check and locked mmu_invalidate_retry_gfn().
 */
export const invalidateRange_ = defineModel({
  name: 'invalidate-range',
  title: 'Range-based mmu-notifier retry: mmu_invalidate_retry_gfn() and its lockless pre-check (x86, v6.8)',
  summary:
    'An invalidation raises mmu_invalidate_in_progress and records its gfn range under mmu_lock, zaps the sptes, ' +
    'lets the primary MMU replace the page, then bumps mmu_invalidate_seq and lowers the count. A fault snapshots the ' +
    'sequence, resolves the pfn and installs it under mmu_lock unless mmu_invalidate_retry_gfn() says retry. Without the ' +
    'in-progress check it installs the old page inside the range (no-stale-spte); without the range every fault retries ' +
    'while any invalidation runs (outside-not-retried).',
  sources: [
    'virt/kvm/kvm_main.c (v6.8): kvm_mmu_invalidate_begin(), kvm_mmu_invalidate_range_add(), kvm_mmu_invalidate_end()',
    'include/linux/kvm_host.h (v6.8): mmu_invalidate_retry_gfn(), mmu_invalidate_retry_gfn_unsafe()',
    'arch/x86/kvm/mmu/mmu.c (v6.8): kvm_faultin_pfn(), is_page_fault_stale()',
    'd02c357e5bfa "KVM: x86/mmu: Retry fault before acquiring mmu_lock if mapping is changing"; 8569992d64b8 "KVM: Use gfn instead of hva for mmu_notifier_retry"; 4a42d848db95 "KVM: x86/mmu: Consider the hva in mmu_notifier retry"',
  ],
  fixes: invalidateRangeFixes,
  variants: invalidateRangeVariants,
  barriers: invalidateRangeBarriers,
  operations: {
    fault_in_range: {
      summary: 'a TDP fault on gfn 0, inside the invalidated range',
      kernel: 'kvm_tdp_page_fault() -> kvm_faultin_pfn() + is_page_fault_stale()',
      run: (s, t) => t.within('kvm_tdp_page_fault', pageFault(s, t, 0)),
    },
    fault_outside_range: {
      summary: 'a TDP fault on gfn 1, outside the invalidated range',
      kernel: 'kvm_tdp_page_fault() -> kvm_faultin_pfn() + is_page_fault_stale()',
      run: (s, t) => t.within('kvm_tdp_page_fault', pageFault(s, t, 1)),
    },
    invalidate: {
      summary: 'invalidate [0, 1): begin + range_add + zap under mmu_lock, the primary MMU replaces the page, end under mmu_lock',
      kernel: 'kvm_mmu_notifier_invalidate_range_start() / kvm_mmu_notifier_invalidate_range_end()',
      run: invalidateRange,
    },
  },
  setup: setupInvalidateRange,
  invariants: [noStaleSpte, outsideNotRetried],
  scenarios: invalidateRangeScenarios,
  describeState: describeInvalidateRange,
});
