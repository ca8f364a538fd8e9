import type { Steps, Thread } from '@kvmrace/core';
import type { InvalidateRangeFix } from './fixes.js';
import { INVALID_GPA, RANGE, type InvalidateRangeState, type Pfn } from './state.js';

/**
 * `kvm_mmu_invalidate_begin()` + `kvm_mmu_invalidate_range_add()` + `kvm_unmap_gfn_range()`
 * (virt/kvm/kvm_main.c, v6.8): one step, as all of it runs under mmu_lock and only mmu_lock
 * holders write these fields.
 */
function* beginAndAddRange(s: InvalidateRangeState, t: Thread<InvalidateRangeFix>): Steps {
  yield* t.step('in_progress++; range_add(0, 1); zap spte(gfn 0)', { writes: [s.inProgress, s.rangeStart, s.rangeEnd, s.spte[0]!] });
  const n = (s.inProgress.value = s.inProgress.value + 1); // kvm->mmu_invalidate_in_progress++;
  if (n === 1) s.rangeStart.value = s.rangeEnd.value = INVALID_GPA; // if (likely(in_progress == 1)) start = end = INVALID_GPA;
  if (s.rangeStart.value === INVALID_GPA) {
    s.rangeStart.value = RANGE.start; //                     kvm_mmu_invalidate_range_add(): the first range
    s.rangeEnd.value = RANGE.end;
  } else {
    s.rangeStart.value = Math.min(s.rangeStart.value, RANGE.start); // or the union with the current one
    s.rangeEnd.value = Math.max(s.rangeEnd.value, RANGE.end);
  }
  s.spte[0]!.value = 'none'; //                              kvm_unmap_gfn_range()
}

/** `kvm_mmu_invalidate_end()` (kvm_main.c): `seq++; smp_wmb(); in_progress--;`, one step under mmu_lock. */
function* kvmMmuInvalidateEnd(s: InvalidateRangeState, t: Thread<InvalidateRangeFix>): Steps {
  yield* t.step('mmu_invalidate_seq++; smp_wmb(); in_progress--', { writes: [s.seq, s.inProgress] });
  s.seq.value = s.seq.value + 1;
  t.smp_wmb('kvm_mmu_invalidate_end'); //                    "in conjunction with the smp_rmb in mmu_invalidate_retry()"
  s.inProgress.value = s.inProgress.value - 1;
}

/**
 * An mmu-notifier invalidation of the range, with the primary MMU replacing the page in between
 * (a migration, say): `kvm_mmu_notifier_invalidate_range_start()`, the primary pte change,
 * `kvm_mmu_notifier_invalidate_range_end()`.
 */
export function* invalidateRange(s: InvalidateRangeState, t: Thread<InvalidateRangeFix>): Steps {
  yield* s.mmuLock.lock(); //                                 KVM_MMU_LOCK(kvm) in kvm_handle_hva_range()
  yield* t.within('kvm_mmu_invalidate_begin', beginAndAddRange(s, t));
  yield* s.mmuLock.unlock();
  const next: Pfn = `P${s.pages++}`;
  yield* s.ptl.lock(); //                                     the primary MMU: pte_offset_map_lock()
  // Ghost: the page this change replaces, the pte's value under ptl (with two invalidations in
  // flight it is not the page allocated just before this one).
  const old = s.pte[0]!.value;
  yield* s.pte[0]!.write(next, `primary MMU: pte(gfn 0) = ${next}`);
  yield* s.ptl.unlock(); //                                   pte_unmap_unlock()
  s.replaced.push(old); //                                    the old page may now be freed
  yield* s.mmuLock.lock();
  yield* t.within('kvm_mmu_invalidate_end', kvmMmuInvalidateEnd(s, t));
  yield* s.mmuLock.unlock();
}
