import { ModelMisuseError, type Steps, type Thread } from '@kvmrace/core';
import { EAGAIN, kvmppcCreatePte } from './create-pte.js';
import type { RadixNestedFix } from './fixes.js';
import type { Pte } from './pte.js';
import { L1_GPTE_RC, MAX_RETRY, N_RMAP, WRITING, type RadixNestedState } from './state.js';

/**
 * `__kvmhv_nested_page_fault()` (2019: `__kvmhv_nested_page_fault_radix()`) for an L2 store that
 * found no shadow pte, once: sample `mmu_notifier_seq`, read the L1 page's pte under `mmu_lock`,
 * drop the lock, build the nested pte with rc bits no wider than the guest's, and insert it with
 * `kvmppc_create_pte()`. Returns `kvmppc_create_pte()`'s result (0 or `-EAGAIN`).
 */
export function* kvmhvNestedPageFaultOnce(s: RadixNestedState, t: Thread<RadixNestedFix>): Steps<number> {
  // kvmhv_translate_addr_nested(): the L1 guest's pte for n_gpa (L1 memory; a constant here)
  const gpte = L1_GPTE_RC;
  const writing = WRITING;

  // 2. Find the host pte for this L1 guest real address
  const mmuSeq = yield* s.mmuNotifier.readSeq('__kvmhv_nested_page_fault'); // mmu_seq = kvm->mmu_notifier_seq; smp_rmb();
  yield* s.mmuLock.lock(); //                                      spin_lock(&kvm->mmu_lock);
  let pte: Pte = yield* s.gpte.read('pte = *find_kvm_secondary_pte(kvm, gpa)');
  yield* s.mmuLock.unlock(); //                                    spin_unlock(&kvm->mmu_lock);
  if (!pte.present) {
    // if (!pte_present(pte) || (writing && !(pte_val(pte) & _PAGE_WRITE))) kvmppc_book3s_instantiate_page()
    throw new ModelMisuseError('kvmppc_book3s_instantiate_page() is not modelled: gpte is never unmapped here');
  }

  // 3. Compute the pte we need to insert for nest_gpa -> host r_addr
  // Only set accessed/dirty (rc) bits if set in host and l1 guest ptes
  //   perm |= (gpte.rc & _PAGE_ACCESSED) ? 0UL : _PAGE_ACCESSED;
  //   perm |= ((gpte.rc & _PAGE_DIRTY) && writing) ? 0UL : _PAGE_DIRTY;
  //   pte = __pte(pte_val(pte) & ~perm);
  pte = { present: pte.present, accessed: pte.accessed && gpte.accessed, dirty: pte.dirty && gpte.dirty && writing };

  // 4. Insert the pte into our shadow_pgtable
  const nRmap = N_RMAP; //                                         n_rmap = kzalloc(...); n_rmap->rmap = n_gpa | lpid
  return yield* t.within('kvmppc_create_pte', kvmppcCreatePte(s, t, pte, mmuSeq, nRmap));
  // kfree(n_rmap); if (ret == -EAGAIN) ret = RESUME_GUEST;
}

/**
 * `kvmhv_nested_page_fault()`: `__kvmhv_nested_page_fault()` under the nested guest's `tlb_lock`.
 * Other CPUs of the same L2 guest fault under the same mutex, one at a time.
 */
export function* kvmhvNestedPageFault(s: RadixNestedState, t: Thread<RadixNestedFix>): Steps<number> {
  yield* s.tlbLock.lock(); //                                      mutex_lock(&gp->tlb_lock);
  const ret = yield* t.within('__kvmhv_nested_page_fault', kvmhvNestedPageFaultOnce(s, t));
  yield* s.tlbLock.unlock(); //                                    mutex_unlock(&gp->tlb_lock);
  return ret;
}

/**
 * The `nested_page_fault` operation: an L2 store faults, `kvmhv_nested_page_fault()` runs, and
 * when it returns `RESUME_GUEST` without a pte (`-EAGAIN`) the L2 store faults again. After
 * `MAX_RETRY` re-faults the thread gives up (never a violation by itself).
 */
export function* nestedPageFault(s: RadixNestedState, t: Thread<RadixNestedFix>): Steps {
  for (let refaults = 0; ; refaults++) {
    const ret = yield* t.within('kvmhv_nested_page_fault', kvmhvNestedPageFault(s, t));
    if (ret !== EAGAIN) return;
    if (refaults === MAX_RETRY) t.gaveUp(`kvmppc_create_pte() still returned -EAGAIN after ${MAX_RETRY} re-faults`);
  }
}
