import type { Steps, Thread } from '@kvmrace/core';
import type { RadixNestedFix } from './fixes.js';
import { bitNames } from './nest-rmap.js';
import { PTE_NONE, pteUpdate, type PteVar } from './pte.js';
import { L1_GPTE_RC, WRITING, type RadixNestedState } from './state.js';

/**
 * `kvmppc_hv_handle_set_rc(kvm, nested, writing, gpa, lpid)`, called with `mmu_lock` held: one
 * step that sets R (and C when writing) in the pte if it is present and, for a store, writable
 * (every pte of the model is writable). Returns false when there is no such pte.
 */
export function* kvmppcHvHandleSetRc(ptep: PteVar, writing: boolean): Steps<boolean> {
  const pgflags = { accessed: true, dirty: writing };
  let ok = false;
  yield* ptep.update((p) => {
    ok = p.present; //                                             if (ptep && pte_present(*ptep) && (!writing || pte_write(*ptep)))
    return ok ? pteUpdate(p, {}, pgflags) : p; //                  kvmppc_radix_update_pte(kvm, ptep, 0, pgflags, gpa, shift);
  }, `if (pte_present(*ptep)) kvmppc_radix_update_pte(ptep, set=${bitNames(pgflags)})`);
  return ok;
}

/**
 * `kvmhv_invalidate_shadow_pte()`: under `mmu_lock`, unmap the shadow pte if present
 * (`kvmppc_unmap_pte()` with the shadow lpid, which leaves the nest rmap alone).
 */
export function* kvmhvInvalidateShadowPte(s: RadixNestedState): Steps {
  yield* s.mmuLock.lock(); //                                      spin_lock(&kvm->mmu_lock);
  yield* s.npte.update((p) => (p.present ? PTE_NONE : p), 'if (pte_present(*ptep)) kvmppc_unmap_pte(ptep, gp->shadow_lpid)');
  yield* s.mmuLock.unlock(); //                                    spin_unlock(&kvm->mmu_lock);
}

/**
 * `kvmhv_handle_nested_set_rc()` (2019: `kvmhv_handle_nested_set_rc_radix()`): an L2 access took
 * an HDSI with `DSISR_SET_RC` because the hardware may not set rc bits in the shadow pte itself.
 * If the L1 guest's pte allows the bits, set them under one hold of `mmu_lock` first in the guest
 * pte, then in the nested pte; if either is missing, `-EINVAL` and the caller unmaps the shadow
 * pte (`goto inval`). Returns 0, `-EINVAL`, or `RESUME_HOST` when L1 must handle it.
 */
export function* kvmhvHandleNestedSetRc(s: RadixNestedState, t: Thread<RadixNestedFix>): Steps<'ok' | 'einval' | 'resume-host'> {
  const gpte = L1_GPTE_RC; //                                      struct kvmppc_pte gpte (from L1 memory)
  const writing = WRITING;
  // Are the rc bits set in the L1 partition scoped pte?
  if (!gpte.accessed || (writing && !gpte.dirty)) return 'resume-host'; // if (pgflags & ~gpte.rc) return RESUME_HOST;

  yield* s.mmuLock.lock(); //                                      spin_lock(&kvm->mmu_lock);
  let ret: 'ok' | 'einval' = 'einval';
  // Set the rc bit in the pte of our (L0) pgtable for the L1 guest
  if (yield* t.within('kvmppc_hv_handle_set_rc', kvmppcHvHandleSetRc(s.gpte, writing))) {
    // Set the rc bit in the pte of the shadow_pgtable for the nest guest
    if (yield* t.within('kvmppc_hv_handle_set_rc', kvmppcHvHandleSetRc(s.npte, writing))) ret = 'ok';
  }
  yield* s.mmuLock.unlock(); //                                    out_unlock: spin_unlock(&kvm->mmu_lock);
  return ret;
}

/**
 * The `handle_nested_set_rc` operation: the `DSISR_SET_RC` branch of `__kvmhv_nested_page_fault()`,
 * under the nested guest's `tlb_lock` (`kvmhv_nested_page_fault()`). On `-EINVAL` it unmaps the
 * shadow pte (`goto inval`) and the guest would fault again.
 */
export function* handleNestedSetRc(s: RadixNestedState, t: Thread<RadixNestedFix>): Steps {
  yield* t.within('kvmhv_nested_page_fault', s.tlbLock.lock()); // mutex_lock(&gp->tlb_lock);
  const ret = yield* t.within('kvmhv_handle_nested_set_rc', kvmhvHandleNestedSetRc(s, t));
  if (ret === 'einval') yield* t.within('kvmhv_invalidate_shadow_pte', kvmhvInvalidateShadowPte(s)); // inval:
  // dsisr &= ~DSISR_SET_RC; return RESUME_GUEST;
  yield* t.within('kvmhv_nested_page_fault', s.tlbLock.unlock()); // mutex_unlock(&gp->tlb_lock);
}
