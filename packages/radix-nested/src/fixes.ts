import type { FixSpec } from '@kvmrace/core';

/** The fix toggles of the model: one per hunk of the patch. */
export type RadixNestedFix = 'clear-dirty-bumps-seq';

/**
 * The fix: "[PATCH 02/23] KVM: PPC: Book3S HV: Increment mmu_notifier_seq when modifying radix
 * pte rc bits" (Suraj Jitindar Singh, kvm@vger.kernel.org, 2019-08-26), one hunk, `Fixes:
 * ae59a7e1945b ("KVM: PPC: Book3S HV: Keep rc bits in shadow pgtable in sync with host")`. No
 * upstream commit carrying it was found, so `commit` names the patch mail by its Message-Id.
 */
export const radixNestedFixes: { readonly [K in RadixNestedFix]: FixSpec } = {
  'clear-dirty-bumps-seq': {
    commit: '<20190826062109.7573-3-sjitindarsingh@gmail.com>',
    summary:
      'kvm_radix_test_clear_dirty() does kvm->mmu_notifier_seq++ under mmu_lock after clearing the dirty bit, so a nested fault that read the old guest pte fails mmu_notifier_retry() and re-faults (Fixes: ae59a7e1945b)',
  },
};
