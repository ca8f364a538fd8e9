import type { Steps, Thread } from '@kvmrace/core';
import type { ChangePteFix } from './fixes.js';
import { kvmMmuNotifierChangePte, kvmMmuNotifierInvalidateRangeEnd, kvmMmuNotifierInvalidateRangeStart } from './kvm-mmu-notifier.js';
import { allocPage, type ChangePteState } from './state.js';

/**
 * KSM merges the page: `replace_page()` (mm/ksm.c) points the pte at the stable `kpage` with
 * `set_pte_at_notify()`, which calls `.change_pte()` and then `set_pte_at()` under `ptl`. Since
 * 6bdb913f0a70 the whole update is bracketed by `mmu_notifier_invalidate_range_start/end`.
 */
export function* ksmReplacePage(s: ChangePteState, t: Thread<ChangePteFix>): Steps {
  const kpage = allocPage(s); //                             the stable page found by stable_tree_search()
  const bracketed = t.fixed('caller-brackets-change-pte');
  if (bracketed) yield* t.within('kvm_mmu_notifier_invalidate_range_start', kvmMmuNotifierInvalidateRangeStart(s)); // 6bdb913f0a70: mmu_notifier_invalidate_range_start(mm, mmun_start, mmun_end);
  yield* s.ptl.lock(); //                                    ptep = pte_offset_map_lock(mm, pmd, addr, &ptl);
  yield* s.pte.write('none', 'ptep_clear_flush(ptep)'); //   ptep_clear_flush(vma, addr, ptep);
  yield* t.within('kvm_mmu_notifier_change_pte', kvmMmuNotifierChangePte(s, t, kpage)); // set_pte_at_notify(): mmu_notifier_change_pte(mm, addr, newpte);
  yield* s.pte.write(kpage, `set_pte_at(ptep, ${kpage})`); // set_pte_at_notify(): set_pte_at(mm, addr, ptep, newpte);
  yield* s.ptl.unlock(); //                                  pte_unmap_unlock(ptep, ptl);
  if (bracketed) yield* t.within('kvm_mmu_notifier_invalidate_range_end', kvmMmuNotifierInvalidateRangeEnd(s)); // 6bdb913f0a70: mmu_notifier_invalidate_range_end(mm, mmun_start, mmun_end);
}
