import type { Steps, Thread } from '@kvmrace/core';
import type { PfncacheFix } from './fixes.js';
import { giveUp, gpc_map, gpc_unmap, hva_to_pfn } from './host-mm.js';
import { KVM_PFN_ERR_FAULT, MAX_RETRY, type PfncacheState } from './state.js';

/** `-EINVAL`: refresh of an inactive cache. */
export const EINVAL = -22;

/**
 * `mmu_notifier_retry_cache(kvm, mmu_seq)`: the step itself is taken by the caller; this is the
 * test, `if (kvm->mn_active_invalidate_count) return true; smp_rmb(); return
 * kvm->mmu_invalidate_seq != mmu_seq;`. The kernel comment: the smp_rmb() "pairs with the
 * smp_wmb() in mmu_notifier_invalidate_range_end()" (kvm_mmu_invalidate_end:smp_wmb), so that the
 * old, non-zero count or the new sequence is seen. Neither read holds the lock its writer holds.
 */
function mmu_notifier_retry_cache(s: PfncacheState, mmu_seq: number): boolean {
  return s.mn.retryCheck(mmu_seq, 'mmu_notifier_retry_cache');
}

/** The `mmu_notifier_retry_cache()` step: reads both counters. */
function retryCacheStep(s: PfncacheState, t: Thread<PfncacheFix>, mmu_seq: number, prefix = ''): Steps {
  return t.step(`${prefix}mmu_notifier_retry_cache(kvm, mmu_seq=${mmu_seq})`, { reads: [s.mn.count, s.mn.seq] });
}

/**
 * `kvm_gpc_refresh()`. With 6addfcf27139 (`deactivate-takes-refresh-lock`) the caller takes
 * `guard(mutex)(&gpc->refresh_lock)` here and `__kvm_gpc_refresh()` only asserts it. Returns 0 or -errno.
 */
export function* kvm_gpc_refresh(s: PfncacheState, t: Thread<PfncacheFix>): Steps<number> {
  const guarded = t.fixed('deactivate-takes-refresh-lock');
  if (guarded) yield* t.within('kvm_gpc_refresh', s.gpc.refresh_lock.lock()); // guard(mutex)(&gpc->refresh_lock)
  const ret = yield* __kvm_gpc_refresh(s, t);
  if (guarded) yield* t.within('kvm_gpc_refresh', s.gpc.refresh_lock.unlock()); // end of the guard's scope
  return ret;
}

/** `__kvm_gpc_refresh()` with gpa, memslot generation and uhva unchanged (only `valid` can send it to the slow path). */
export function __kvm_gpc_refresh(s: PfncacheState, t: Thread<PfncacheFix>): Steps<number> {
  return t.within('__kvm_gpc_refresh', refreshBody(s, t));
}

function* refreshBody(s: PfncacheState, t: Thread<PfncacheFix>): Steps<number> {
  const gpc = s.gpc;
  // Before 6addfcf27139 __kvm_gpc_refresh() took the mutex itself; after it, lockdep_assert_held().
  const ownsMutex = !t.fixed('deactivate-takes-refresh-lock');
  if (ownsMutex) yield* gpc.refresh_lock.lock(); // mutex_lock(&gpc->refresh_lock)
  yield* gpc.lock.writeLock(); // write_lock_irq(&gpc->lock)
  yield* t.step('if (!gpc->active) -EINVAL; old_pfn = gpc->pfn; old_khva = gpc->khva; gpc->valid?', {
    reads: [gpc.active, gpc.valid, gpc.uhva, gpc.pfn, gpc.khva],
  });
  let ret = 0;
  let old_pfn = gpc.pfn.value;
  let old_khva = gpc.khva.value;
  let unmap_old = false;
  if (!gpc.active.value) {
    ret = EINVAL; // goto out_unlock
  } else if (gpc.valid.value) {
    // Fast path: the HVA->PFN mapping is valid, keep it (gpc->khva = old_khva + page_offset).
  } else if (!t.fixed('rework-refresh')) {
    ret = yield* t.within('hva_to_pfn_retry', hva_to_pfn_retry(s, t, old_khva));
    // Detect a pfn change before dropping the lock! (still inside the install step, under the write lock)
    unmap_old = old_pfn !== gpc.pfn.value;
  } else {
    // rework-refresh: drop the lock around a hva_to_pfn_retry() that never touches the gpc.
    yield* t.step('gpc->valid = false; new_uhva = gpc->uhva', { reads: [gpc.uhva], writes: [gpc.valid] });
    gpc.valid.value = false;
    const new_uhva = gpc.uhva.value;
    yield* gpc.lock.writeUnlock(); // write_unlock_irq(&gpc->lock)
    const fresh = yield* t.within('hva_to_pfn_retry', hva_to_pfn_retry_reworked(s, t));
    yield* gpc.lock.writeLock(); // write_lock_irq(&gpc->lock)
    yield* t.step('WARN_ON_ONCE(gpc->valid); if (!gpc->active || gpc->uhva != new_uhva) discard new; else install new', {
      reads: [gpc.active, gpc.uhva],
      writes: [gpc.valid, gpc.pfn, gpc.khva],
    });
    t.warnOn(gpc.valid.value, 'WARN_ON_ONCE(gpc->valid) in __kvm_gpc_refresh');
    if (!gpc.active.value || gpc.uhva.value !== new_uhva) {
      old_pfn = fresh.pfn; // purge the new mapping
      old_khva = fresh.khva;
    } else {
      old_pfn = gpc.pfn.value;
      old_khva = gpc.khva.value;
      gpc.pfn.value = fresh.pfn;
      gpc.khva.value = fresh.khva;
      gpc.valid.value = true;
    }
    unmap_old = old_pfn !== KVM_PFN_ERR_FAULT;
  }
  // out_unlock:
  yield* gpc.lock.writeUnlock(); // write_unlock_irq(&gpc->lock)
  if (ownsMutex) yield* gpc.refresh_lock.unlock(); // mutex_unlock(&gpc->refresh_lock)
  if (unmap_old) yield* gpc_unmap(s, old_pfn, old_khva);
  return ret;
}

/**
 * The original `hva_to_pfn_retry(gpc)`, entered and left with `gpc->lock` held for write. It drops
 * the lock around `hva_to_pfn()` and, if the pfn did not change, reuses `old_khva`: `gpc->pfn` is
 * read without the lock, and nothing rechecks `gpc->active` before installing. The race.
 */
function* hva_to_pfn_retry(s: PfncacheState, t: Thread<PfncacheFix>, old_khva: string | null): Steps<number> {
  const gpc = s.gpc;
  let new_pfn = KVM_PFN_ERR_FAULT;
  let new_khva: string | null = null;
  // Invalidate the cache prior to dropping gpc->lock.
  yield* gpc.valid.plainWrite(false, 'gpc->valid = false'); // plain, under gpc->lock
  for (let retries = 0; ; retries++) {
    const mmu_seq = yield* s.mn.readSeq('hva_to_pfn_retry'); // mmu_seq = kvm->mmu_invalidate_seq; smp_rmb();
    yield* gpc.lock.writeUnlock(); // write_unlock_irq(&gpc->lock)
    // The previous iteration lost to an mmu_notifier event: drop its mapping unless it was the old one.
    if (new_pfn !== KVM_PFN_ERR_FAULT && new_khva !== old_khva) yield* gpc_unmap(s, new_pfn, new_khva);
    new_pfn = yield* hva_to_pfn(s, t);
    yield* t.step('if (new_pfn == gpc->pfn) new_khva = old_khva', { reads: [gpc.pfn] });
    if (new_pfn === gpc.pfn.value) new_khva = old_khva;
    else new_khva = yield* gpc_map(s, new_pfn);
    yield* gpc.lock.writeLock(); // write_lock_irq(&gpc->lock)
    yield* retryCacheStep(s, t, mmu_seq, 'WARN_ON_ONCE(gpc->valid); ');
    t.warnOn(gpc.valid.value, 'WARN_ON_ONCE(gpc->valid) in hva_to_pfn_retry');
    if (!mmu_notifier_retry_cache(s, mmu_seq)) break;
    if (retries >= MAX_RETRY) yield* giveUp(s, t, `hva_to_pfn_retry: mmu_notifier_retry_cache still true after ${MAX_RETRY} retries`);
  }
  yield* t.step('gpc->valid = true; gpc->pfn = new_pfn; gpc->khva = new_khva', { writes: [gpc.valid, gpc.pfn, gpc.khva] });
  gpc.valid.value = true;
  gpc.pfn.value = new_pfn;
  gpc.khva.value = new_khva;
  return 0; // kvm_release_pfn_clean(new_pfn): the cache now tracks it
}

/**
 * The reworked `hva_to_pfn_retry(kvm, uhva, &pfn, &khva)` (`rework-refresh`): called without
 * `gpc->lock`, never touches the gpc, always maps afresh. Its `mmu_notifier_retry_cache()` check
 * runs without `gpc->lock`, so an invalidation can start and finish its gpc pass between the check
 * and the install.
 */
function* hva_to_pfn_retry_reworked(s: PfncacheState, t: Thread<PfncacheFix>): Steps<{ pfn: string; khva: string }> {
  for (let retries = 0; ; retries++) {
    const mmu_seq = yield* s.mn.readSeq('hva_to_pfn_retry'); // mmu_seq = kvm->mmu_invalidate_seq; smp_rmb();
    const new_pfn = yield* hva_to_pfn(s, t);
    const new_khva = yield* gpc_map(s, new_pfn); // always a new kernel mapping
    yield* retryCacheStep(s, t, mmu_seq);
    if (!mmu_notifier_retry_cache(s, mmu_seq)) return { pfn: new_pfn, khva: new_khva };
    yield* gpc_unmap(s, new_pfn, new_khva); // this iteration lost to an mmu_notifier event
    if (retries >= MAX_RETRY) yield* giveUp(s, t, `hva_to_pfn_retry: mmu_notifier_retry_cache still true after ${MAX_RETRY} retries`);
  }
}
