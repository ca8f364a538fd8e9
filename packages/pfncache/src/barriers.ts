import type { BarrierSpec } from '@kvmrace/core';

/**
 * The barriers of virt/kvm/pfncache.c on the refresh path, as toggles (on by default). The mmu
 * notifier's own, kvm_mmu_invalidate_end()'s smp_wmb() (and mmu_invalidate_retry()'s smp_rmb(),
 * which pfncache does not call), come with core's mmu-notifier primitive.
 */
export const PFNCACHE_BARRIERS: Readonly<Record<string, BarrierSpec>> = {
  'hva_to_pfn_retry:smp_rmb': {
    summary: 'hva_to_pfn_retry(): mmu_seq = kvm->mmu_invalidate_seq; smp_rmb(); orders the sequence read before the page walk and the mapping',
  },
  'mmu_notifier_retry_cache:smp_rmb': {
    summary:
      'mmu_notifier_retry_cache(): "Ensure mn_active_invalidate_count is read before mmu_invalidate_seq. This pairs with the smp_wmb() in ' +
      'mmu_notifier_invalidate_range_end()"',
    pairsWith: ['kvm_mmu_invalidate_end:smp_wmb'],
  },
};
