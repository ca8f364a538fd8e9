import type { BarrierSpec, FixSpec } from '@kvmrace/core';

/** The hunks of the fault path's retry checks, oldest first. */
export type InvalidateRangeFix = 'retry-checks-in-progress' | 'retry-checks-range' | 'unsafe-precheck';

export const invalidateRangeFixes: { readonly [K in InvalidateRangeFix]: FixSpec } = {
  'retry-checks-in-progress': {
    commit: 'e930bffe95e1',
    summary: 'the locked check retries while an invalidation is in progress (mmu_notifier_count, now mmu_invalidate_in_progress), not only when the sequence moved',
  },
  'retry-checks-range': {
    commit: '4a42d848db95',
    summary:
      'while in progress, only a gfn inside [mmu_invalidate_range_start, _end) retries ("KVM: x86/mmu: Consider the hva in mmu_notifier retry"; gfn-based since 8569992d64b8)',
  },
  'unsafe-precheck': {
    commit: 'd02c357e5bfa',
    summary:
      'kvm_faultin_pfn() pre-checks mmu_invalidate_retry_gfn_unsafe() without mmu_lock, before and after resolving the pfn ("KVM: x86/mmu: Retry fault before acquiring mmu_lock if mapping is changing")',
  },
};

/** Named variants beyond buggy/upstream: the checks of issue 20 that drop one half. */
export const invalidateRangeVariants = {
  /** The locked check without the range: every fault retries while any invalidation runs (before 4a42d848db95). */
  'ignores-range': ['retry-checks-in-progress', 'unsafe-precheck'],
  /** The locked check compares only the sequence (in_progress ignored); the lockless pre-check still reads it. */
  'ignores-in-progress': ['unsafe-precheck'],
} as const satisfies { readonly [name: string]: readonly InvalidateRangeFix[] };

export const invalidateRangeBarriers: { readonly [name: string]: BarrierSpec } = {
  'kvm_faultin_pfn:smp_rmb': {
    summary: 'orders the mmu_invalidate_seq snapshot before resolving the pfn (fault->mmu_seq = ...; smp_rmb();)',
    pairsWith: ['kvm_mmu_invalidate_end:smp_wmb'],
  },
  'kvm_mmu_invalidate_end:smp_wmb': {
    summary: 'orders mmu_invalidate_seq++ before mmu_invalidate_in_progress-- ("in conjunction with the smp_rmb in mmu_invalidate_retry()")',
    pairsWith: ['kvm_faultin_pfn:smp_rmb'],
  },
};
