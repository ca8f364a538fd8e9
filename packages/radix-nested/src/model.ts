import { defineModel } from '@kvmrace/core';
import { radixNestedFixes } from './fixes.js';
import { handleNestedSetRc } from './handle-nested-set-rc.js';
import { rcSubsetInvariant } from './invariants.js';
import { nestedPageFault } from './nested-page-fault.js';
import { formatPte } from './pte.js';
import { radixNestedScenarios } from './scenarios.js';
import { setupRadixNested } from './state.js';
import { testClearDirty } from './test-clear-dirty.js';

/**
 * PPC Book3S HV nested radix: a nested fault builds the shadow pte from a guest pte it read
 * before `kvm_radix_test_clear_dirty()` cleared the dirty bit, and inserts it afterwards, because
 * the clear did not bump `mmu_notifier_seq`. PROTOCOLS.md section A.
 */
export const radixNested = defineModel({
  name: 'radix-nested',
  title: 'PPC Book3S HV nested radix: rc bits out of sync (mmu_notifier_seq bump in kvm_radix_test_clear_dirty)',
  summary:
    '__kvmhv_nested_page_fault() reads the guest pte under mmu_lock, drops the lock, builds the nested pte with rc bits no ' +
    'wider than the guest pte\'s and inserts it after mmu_notifier_retry(). kvm_radix_test_clear_dirty() clears the dirty ' +
    'bit in the guest pte and in the nested ptes on the nest rmap under mmu_lock but, before the fix, leaves ' +
    'mmu_notifier_seq alone, so a nested pte built from the stale dirty guest pte is inserted after the clear: the nested ' +
    'pte is dirty, the guest pte is clean, and L2 writes are lost from the dirty log.',
  sources: [
    'torvalds/linux arch/powerpc/kvm/book3s_64_mmu_radix.c @ 008e359c76d8 (kvm_radix_test_clear_dirty, kvmppc_create_pte, kvmppc_hv_handle_set_rc)',
    'torvalds/linux arch/powerpc/kvm/book3s_hv_nested.c @ 03a2e65f54b3 (__kvmhv_nested_page_fault, kvmhv_handle_nested_set_rc, kvmhv_insert_nest_rmap, kvmhv_update_nest_rmap_rc_list)',
    '[PATCH 02/23] KVM: PPC: Book3S HV: Increment mmu_notifier_seq when modifying radix pte rc bits (kvm@vger.kernel.org, 2019-08-26, <20190826062109.7573-3-sjitindarsingh@gmail.com>)',
  ],
  fixes: radixNestedFixes,
  barriers: {
    // mmu_invalidate_retry()'s smp_rmb() and kvm_mmu_invalidate_end()'s smp_wmb() come with core's mmu notifier.
    '__kvmhv_nested_page_fault:smp_rmb': {
      summary: 'mmu_seq = kvm->mmu_notifier_seq; smp_rmb(); orders the sequence sample before the guest pte is read',
    },
  },
  operations: {
    nested_page_fault: {
      summary: 'an L2 store with no shadow pte: read the guest pte, build the nested pte, insert it (re-fault on -EAGAIN, at most MAX_RETRY times)',
      kernel: '__kvmhv_nested_page_fault() -> kvmppc_create_pte() -> kvmhv_insert_nest_rmap()',
      run: nestedPageFault,
    },
    test_clear_dirty: {
      summary: 'one dirty-log pass over the page: clear C in the guest pte and in every nested pte on the nest rmap',
      kernel: 'kvmppc_hv_get_dirty_log_radix() -> kvm_radix_test_clear_dirty() -> kvmhv_update_nest_rmap_rc_list()',
      run: testClearDirty,
    },
    handle_nested_set_rc: {
      summary: 'an L2 access with DSISR_SET_RC: set R and C in the guest pte, then in the nested pte, under one hold of mmu_lock',
      kernel: 'kvmhv_handle_nested_set_rc() -> kvmppc_hv_handle_set_rc()',
      run: handleNestedSetRc,
    },
  },
  setup: setupRadixNested,
  invariants: [rcSubsetInvariant],
  scenarios: radixNestedScenarios,
  describeState: (s) =>
    `gpte=${formatPte(s.gpte.value)}, npte=${formatPte(s.npte.value)}, rmap=[${s.rmap.value.join(',')}], ` +
    `mmu_notifier_seq=${s.mmuNotifier.seq.value}, mmu_lock ${s.mmuLock.isFree ? 'free' : `held by CPU${s.mmuLock.holder}`}`,
});
