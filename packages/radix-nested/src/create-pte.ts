import type { Steps, Thread } from '@kvmrace/core';
import { kvmhvInsertNestRmap } from './nest-rmap.js';
import { formatPte, pteEqual, pteUpdate, type Pte } from './pte.js';
import type { RadixNestedState } from './state.js';

/** `-EAGAIN`: an invalidation may have raced with the fault; the guest retries. */
export const EAGAIN = -11;

/**
 * `kvmppc_create_pte(kvm, gp->shadow_pgtable, pte, n_gpa, level, mmu_seq, gp->shadow_lpid, rmapp,
 * &n_rmap)` for a level-0 nested pte: under `mmu_lock`, give up with `-EAGAIN` if
 * `mmu_notifier_retry()` says the page changed since `mmu_seq` was sampled; otherwise install the
 * pte (or OR its bits into one already present) and, for a new pte, insert the nest rmap entry.
 * The page-table levels above the pte are folded away (they always exist here).
 */
export function* kvmppcCreatePte(s: RadixNestedState, t: Thread, newPte: Pte, mmuSeq: number, nRmap: string | null): Steps<number> {
  let ret: number;
  // Check if we might have been invalidated; let the guest retry if so
  yield* s.mmuLock.lock(); //                                      spin_lock(&kvm->mmu_lock);
  ret = EAGAIN;
  if (yield* s.mmuNotifier.retry(mmuSeq)) {
    yield* s.mmuLock.unlock(); //                                  out_unlock: spin_unlock(&kvm->mmu_lock);
    return ret;
  }
  // Now traverse again under the lock and change the tree
  const old = yield* s.npte.read('if (pte_present(*ptep))');
  if (old.present) {
    if (!pteEqual(old, newPte)) {
      // Valid page here already, add our extra bits
      t.warnOn(old.present !== newPte.present, '(pte_val(*ptep) ^ pte_val(pte)) & PTE_BITS_MUST_MATCH'); // WARN_ON_ONCE
      yield* s.npte.update((p) => pteUpdate(p, {}, newPte), `kvmppc_radix_update_pte(ptep, set=${formatPte(newPte)})`);
    } // else: "Check if someone else set the same thing"
    ret = 0;
  } else {
    yield* s.npte.write(newPte, `kvmppc_radix_set_pte_at(ptep, ${formatPte(newPte)})`);
    if (nRmap !== null) yield* t.within('kvmhv_insert_nest_rmap', kvmhvInsertNestRmap(s, nRmap));
    ret = 0;
  }
  yield* s.mmuLock.unlock(); //                                    out_unlock: spin_unlock(&kvm->mmu_lock);
  return ret;
}
