import { loopHead, type Step, type Steps, type Thread } from '@kvmrace/core';
import { hva_to_pfn } from './host-mm.js';
import type { RetryFix } from './retry-fixes.js';
import type { RetryState } from './retry-state.js';

/** `gpc_invalidations_pending()`: an invalidation in progress covers gpc->uhva. */
function gpc_invalidations_pending(s: RetryState): boolean {
  const range = s.gpc_invalidate_range.value;
  return s.mn.count.value !== 0 && range !== null && range.includes(s.gpc.uhva.value as 'H');
}

/** `gpc_wait_for_invalidations()`: sleeps on kvm->gpc_invalidate_wq until none is pending (one step, blocked meanwhile). */
function* gpc_wait_for_invalidations(s: RetryState): Steps {
  const step: Step = {
    label: 'gpc_wait_for_invalidations(): until !gpc_invalidations_pending(gpc)',
    accesses: [
      { obj: s.mn.count, mode: 'read' },
      { obj: s.gpc_invalidate_range, mode: 'read' },
      { obj: s.gpc.uhva, mode: 'read' },
    ],
    enabled: () => !gpc_invalidations_pending(s),
  };
  yield step;
}

/**
 * `kvm_gpc_refresh()` with its retry loop as the kernel has it, unbounded: under
 * `guard(mutex)(&gpc->refresh_lock)` and `gpc->lock`, the slow path of `__kvm_gpc_refresh()`.
 */
export function* refresh_retry(s: RetryState, t: Thread<RetryFix>): Steps<number> {
  const gpc = s.gpc;
  yield* t.within('kvm_gpc_refresh', gpc.refresh_lock.lock()); // guard(mutex)(&gpc->refresh_lock)
  yield* t.within('__kvm_gpc_refresh', gpc.lock.writeLock()); // write_lock_irq(&gpc->lock)
  yield* t.within('__kvm_gpc_refresh', t.step('gpc->active; old_pfn = gpc->pfn; old_khva = gpc->khva; gpc->valid?', { reads: [gpc.active, gpc.valid, gpc.pfn, gpc.khva] }));
  if (gpc.active.value && !gpc.valid.value) yield* t.within('hva_to_pfn_retry', hva_to_pfn_retry(s, t, gpc.khva.value));
  yield* t.within('__kvm_gpc_refresh', gpc.lock.writeUnlock()); // write_unlock_irq(&gpc->lock)
  yield* t.within('kvm_gpc_refresh', gpc.refresh_lock.unlock()); // end of the guard's scope
  return 0;
}

/**
 * `hva_to_pfn_retry(gpc)`, entered and left with `gpc->lock` held for write. Buggy: it retries
 * while `mmu_notifier_retry_cache()` says any invalidation ran or runs, of any range. With
 * `range-based-retry`: it waits for invalidations of `gpc->uhva` only and retries only when one
 * cleared `gpc->needs_invalidation`. The primary MMU keeps H at P here, so `new_khva = old_khva`.
 */
function* hva_to_pfn_retry(s: RetryState, t: Thread<RetryFix>, old_khva: string | null): Steps {
  const gpc = s.gpc;
  const ranged = t.fixed('range-based-retry');
  yield* gpc.valid.write(false, 'gpc->valid = false');
  let new_pfn: string;
  for (;;) {
    loopHead(t, 'hva_to_pfn_retry'); // old_khva never changes in the loop; new_pfn is written before it is read
    let mmu_seq = 0;
    if (ranged) yield* s.needs_invalidation.write(true, 'gpc->needs_invalidation = true');
    else mmu_seq = yield* s.mn.readSeq(); // mmu_seq = kvm->mmu_invalidate_seq; smp_rmb();
    yield* gpc.lock.writeUnlock(); // write_unlock_irq(&gpc->lock)
    new_pfn = yield* hva_to_pfn(s);
    yield* t.step('if (new_pfn == gpc->pfn) new_khva = old_khva', { reads: [gpc.pfn] });
    if (ranged) yield* gpc_wait_for_invalidations(s);
    yield* gpc.lock.writeLock(); // write_lock_irq(&gpc->lock)
    if (ranged) {
      yield* t.step('WARN_ON_ONCE(gpc->valid); } while (!gpc->needs_invalidation)', { reads: [gpc.valid, s.needs_invalidation] });
      if (s.needs_invalidation.value) break;
    } else {
      yield* t.step('WARN_ON_ONCE(gpc->valid); } while (mmu_notifier_retry_cache(kvm, mmu_seq))', { reads: [gpc.valid, s.mn.count, s.mn.seq] });
      // mmu_notifier_retry_cache(): mn_active_invalidate_count != 0 || mmu_invalidate_seq != mmu_seq
      if (s.mn.count.value === 0 && s.mn.seq.value === mmu_seq) break;
    }
  }
  yield* t.step('gpc->valid = true; gpc->pfn = new_pfn; gpc->khva = new_khva', { writes: [gpc.valid, gpc.pfn, gpc.khva] });
  gpc.valid.value = true;
  gpc.pfn.value = new_pfn;
  gpc.khva.value = old_khva;
}
