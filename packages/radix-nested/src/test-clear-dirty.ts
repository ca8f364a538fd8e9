import type { Steps, Thread } from '@kvmrace/core';
import type { RadixNestedFix } from './fixes.js';
import { kvmhvUpdateNestRmapRcList } from './nest-rmap.js';
import { pteUpdate } from './pte.js';
import type { RadixNestedState } from './state.js';

/**
 * `kvm_radix_test_clear_dirty()` for the L1 page (from `kvmppc_hv_get_dirty_log_radix()`): if the
 * guest pte is dirty (a lockless look), clear its dirty bit and the dirty bit of every nested pte
 * on the page's nest rmap, all under `mmu_lock`. With `clear-dirty-bumps-seq` it also bumps
 * `kvm->mmu_notifier_seq` before unlocking. Returns the number of dirty pages (0 or 1).
 */
export function* kvmRadixTestClearDirty(s: RadixNestedState, t: Thread<RadixNestedFix>): Steps<number> {
  let ret = 0;
  // ptep = __find_linux_pte(kvm->arch.pgtable, gpa, NULL, &shift);   -- no lock held
  const cur = yield* s.gpte.read('if (pte_present(*ptep) && pte_dirty(*ptep))');
  if (cur.present && cur.dirty) {
    ret = 1;
    yield* s.mmuLock.lock(); //                                    spin_lock(&kvm->mmu_lock);
    // old = kvmppc_radix_update_pte(kvm, ptep, _PAGE_DIRTY, 0, gpa, shift);  (old & PTE_RPN_MASK is the hpa below)
    yield* s.gpte.update((p) => pteUpdate(p, { dirty: true }, {}), 'old = kvmppc_radix_update_pte(ptep, clr=_PAGE_DIRTY)');
    // kvmppc_radix_tlbie_page(kvm, gpa, shift, kvm->arch.lpid);  -- no TLB in the model
    // Also clear bit in ptes in shadow pgtable for nested guests
    yield* t.within('kvmhv_update_nest_rmap_rc_list', kvmhvUpdateNestRmapRcList(s, t, { dirty: true }, {}));
    if (t.fixed('clear-dirty-bumps-seq')) {
      // Notify anyone trying to map the page that it has changed
      yield* s.mmuNotifier.seq.increment('kvm->mmu_notifier_seq++');
    }
    yield* s.mmuLock.unlock(); //                                  spin_unlock(&kvm->mmu_lock);
  }
  return ret;
}

/** The `test_clear_dirty` operation: one dirty-log pass over the L1 page. */
export function* testClearDirty(s: RadixNestedState, t: Thread<RadixNestedFix>): Steps {
  yield* t.within('kvm_radix_test_clear_dirty', kvmRadixTestClearDirty(s, t));
  // kvmppc_hv_get_dirty_log_radix(): if (npages) set_dirty_bits(map, i, npages);   -- not shared state here
}
