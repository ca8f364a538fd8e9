import { makeStep, type Steps, type Thread } from '@kvmrace/core';
import type { ChangePteFix } from './fixes.js';
import type { ChangePteState, Pfn } from './state.js';

/** Re-faults after `mmu_notifier_retry()` said retry, before the fault gives up (PROTOCOLS.md section 0). */
export const MAX_RETRY = 2;

/**
 * `hva_to_pfn()` -> `get_user_pages()`: one step that reads the primary pte under its page-table
 * lock, so it waits while `replace_page()` holds `ptl` (gup-fast sees the cleared pte and falls
 * back to the slow path, which takes `ptl`).
 */
function* hvaToPfn(s: ChangePteState, t: Thread<ChangePteFix>): Steps<Pfn> {
  yield makeStep('pfn = get_user_pages(hva)', [{ obj: s.ptl, mode: 'read' }, { obj: s.pte, mode: 'read' }], {
    enabled: () => s.ptl.isFree,
    waitsFor: () => (s.ptl.isFree ? [] : [s.ptl.holder]),
  });
  const pte = s.pte.value;
  if (pte === 'none') t.oops('get_user_pages() found no page although ptl was free'); // the pte is only none under ptl
  return pte;
}

/**
 * A vCPU's fault on the gfn: `direct_page_fault()` on x86, `kvmppc_book3s_instantiate_page()` +
 * `kvmppc_create_pte()` on PPC. Sample the seq, translate, then install under `mmu_lock` unless
 * `mmu_notifier_retry()` says an invalidation is in progress or has happened since the sample.
 */
export function* pageFault(s: ChangePteState, t: Thread<ChangePteFix>): Steps {
  for (let retries = 0; ; retries++) {
    const mmuSeq = yield* s.mn.readSeq('kvmppc_book3s_instantiate_page'); // mmu_seq = kvm->mmu_notifier_seq; smp_rmb();
    const pfn = yield* t.within('hva_to_pfn', hvaToPfn(s, t)); // pfn = gfn_to_pfn(kvm, gfn);
    yield* s.mmuLock.lock(); //                              spin_lock(&kvm->mmu_lock);
    if (yield* s.mn.retry(mmuSeq)) {
      //                                                     if (mmu_notifier_retry(kvm, mmu_seq)) goto out_unlock;
      const inProgress = s.mn.count.value !== 0; //          what the retry step read
      yield* s.mmuLock.unlock(); //                          out_unlock: spin_unlock(&kvm->mmu_lock); return RET_PF_RETRY;
      if (retries === MAX_RETRY) t.gaveUp(`page fault retried ${MAX_RETRY} times`);
      // The guest re-faults. While an invalidation is in progress every re-fault retries (its seq
      // sample is stale once invalidate_range_end bumps seq), so wait for the count to move
      // instead of spinning (DESIGN.md, spin loops).
      if (inProgress) yield* t.awaitChange('re-fault once mmu_notifier_count changes', [s.mn.count]);
      continue;
    }
    yield* s.spte.write(pfn, `__direct_map(): spte = ${pfn}`); // __direct_map() / kvmppc_create_pte(): install the spte
    yield* s.mmuLock.unlock(); //                            spin_unlock(&kvm->mmu_lock);
    return;
  }
}
