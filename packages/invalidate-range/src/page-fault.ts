import type { Steps, Thread } from '@kvmrace/core';
import type { InvalidateRangeFix } from './fixes.js';
import type { InvalidateRangeState, Pfn } from './state.js';

/** Re-faults after a retry before the fault gives up. */
export const MAX_RETRY = 2;

/** Why a check said retry: the in-progress range, or the sequence count. */
type Stale = 'range' | 'seq' | null;

/**
 * `mmu_invalidate_retry_gfn_unsafe()` (include/linux/kvm_host.h, since d02c357e5bfa), no lock
 * held: one step reading the latest values (see README: its stale reads are left out).
 */
function* retryGfnUnsafe(s: InvalidateRangeState, t: Thread<InvalidateRangeFix>, mmuSeq: number, gfn: number): Steps<Stale> {
  yield* t.step('mmu_invalidate_retry_gfn_unsafe()', { reads: [s.inProgress, s.rangeStart, s.rangeEnd, s.seq] });
  if (s.inProgress.value !== 0 && gfn >= s.rangeStart.value && gfn < s.rangeEnd.value) return 'range';
  return s.seq.value !== mmuSeq ? 'seq' : null;
}

/**
 * `mmu_invalidate_retry_gfn()` (kvm_host.h, v6.8) under mmu_lock, the two checks as toggles: one
 * step, as only mmu_lock holders write what it reads.
 */
function* retryGfn(s: InvalidateRangeState, t: Thread<InvalidateRangeFix>, mmuSeq: number, gfn: number): Steps<Stale> {
  yield* t.step('mmu_invalidate_retry_gfn()', { reads: [s.inProgress, s.rangeStart, s.rangeEnd, s.seq] });
  const inProgress = t.fixed('retry-checks-in-progress') ? s.inProgress.value !== 0 : true;
  if (inProgress && (t.fixed('retry-checks-in-progress') || t.fixed('retry-checks-range'))) {
    if (!t.fixed('retry-checks-range')) return 'range'; //  before 4a42d848db95: any gfn retries while in progress
    if (gfn >= s.rangeStart.value && gfn < s.rangeEnd.value) return 'range';
  }
  return s.seq.value !== mmuSeq ? 'seq' : null;
}

/**
 * A vCPU's TDP fault on `gfn` (arch/x86/kvm/mmu/mmu.c, v6.8): `kvm_faultin_pfn()` snapshots the
 * sequence, pre-checks without the lock, resolves the pfn, pre-checks again; then under mmu_lock
 * `is_page_fault_stale()` -> `mmu_invalidate_retry_gfn()` decides between installing and
 * RET_PF_RETRY.
 */
export function* pageFault(s: InvalidateRangeState, t: Thread<InvalidateRangeFix>, gfn: number): Steps {
  for (let retries = 0; ; retries++) {
    const mmuSeq = yield* s.seq.read('fault->mmu_seq = kvm->mmu_invalidate_seq');
    t.smp_rmb('kvm_faultin_pfn');
    let stale: Stale = t.fixed('unsafe-precheck') ? yield* t.within('mmu_invalidate_retry_gfn_unsafe', retryGfnUnsafe(s, t, mmuSeq, gfn)) : null;
    let pfn: Pfn = 'P0'; //                                  set when resolved (a retry never uses it)
    if (stale === null) {
      if (gfn === 0) yield* s.ptl.lock(); //                    hva_to_pfn() -> get_user_pages(): the pte under ptl
      pfn = yield* s.pte[gfn]!.read('__kvm_faultin_pfn(): pfn = hva_to_pfn()');
      if (gfn === 0) yield* s.ptl.unlock();
      if (t.fixed('unsafe-precheck')) stale = yield* t.within('mmu_invalidate_retry_gfn_unsafe', retryGfnUnsafe(s, t, mmuSeq, gfn));
    }
    if (stale === null) {
      yield* s.mmuLock.lock(); //                             write_lock(&vcpu->kvm->mmu_lock);
      stale = yield* t.within('mmu_invalidate_retry_gfn', retryGfn(s, t, mmuSeq, gfn)); // is_page_fault_stale()
      if (stale === null) {
        yield* s.spte[gfn]!.write(pfn, `direct_map(): spte(gfn ${gfn}) = ${pfn}`);
        yield* s.mmuLock.unlock();
        return;
      }
      yield* s.mmuLock.unlock(); //                           out_unlock: return RET_PF_RETRY
    }
    if (stale === 'range') s.rangeRetries[gfn]!++;
    if (retries === MAX_RETRY) t.gaveUp(`page fault on gfn ${gfn} retried ${MAX_RETRY} times`);
    // The guest re-faults; while an invalidation runs every re-fault would retry, so wait for it to move.
    // Under weak memory the check may have read a count already gone: wait only while it is the latest.
    if (stale === 'range' && s.inProgress.describe() !== '0') yield* t.awaitChange('re-fault once mmu_invalidate_in_progress changes', [s.inProgress]);
  }
}
