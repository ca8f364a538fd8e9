import type { Steps, Thread } from '@kvmrace/core';
import { KVM_PFN_ERR_FAULT } from './state.js';
import type { RetryFix } from './retry-fixes.js';
import type { HvaRange, RetryState } from './retry-state.js';

/** One mmu-notifier invalidation of `range`; an invalidation of H also remaps it to a new pfn. */
export function* invalidate_range(s: RetryState, t: Thread<RetryFix>, range: HvaRange): Steps {
  const ranged = t.fixed('range-based-retry');
  // kvm_mmu_notifier_invalidate_range_start(): under kvm->mn_invalidate_lock.
  if (ranged) {
    yield* t.within('kvm_mmu_notifier_invalidate_range_start', t.step(`mn_active_invalidate_count++; mmu_gpc_invalidate_range += ${range}`, { writes: [s.mn.count, s.gpc_invalidate_range] }));
    s.mn.count.value = s.mn.count.value + 1;
    const pending = s.gpc_invalidate_range.value ?? [];
    if (!pending.includes(range)) s.gpc_invalidate_range.value = [...pending, range]; // min(start), max(end)
  } else {
    yield* t.within('kvm_mmu_notifier_invalidate_range_start', s.mn.invalidateRangeStart());
    yield* t.within('gfn_to_pfn_cache_invalidate_start', gfn_to_pfn_cache_invalidate(s, t, range));
  }
  if (range === 'H') yield* t.within('primary MMU', s.primary.update(() => `P${++s.remaps}`, 'primary(H) = new pfn'));
  // kvm_mmu_notifier_invalidate_range_end(): with b03f63695df0 the gpc is invalidated here.
  if (ranged) yield* t.within('gfn_to_pfn_cache_invalidate', gfn_to_pfn_cache_invalidate(s, t, range));
  if (ranged) {
    yield* t.within('kvm_mmu_notifier_invalidate_range_end', t.step('mmu_invalidate_seq++; if (!--mn_active_invalidate_count) mmu_gpc_invalidate_range = KVM_HVA_ERR_BAD', { writes: [s.mn.seq, s.mn.count, s.gpc_invalidate_range] }));
    s.mn.seq.value = s.mn.seq.value + 1;
    s.mn.count.value = s.mn.count.value - 1;
    if (s.mn.count.value === 0) s.gpc_invalidate_range.value = null;
  } else {
    yield* t.within('kvm_mmu_notifier_invalidate_range_end', s.mn.invalidateRangeEnd());
  }
}

/**
 * `gfn_to_pfn_cache_invalidate_start()` (`gfn_to_pfn_cache_invalidate()` with the fix): under
 * `gpc->lock`, clear `valid` (and, with the fix, `needs_invalidation`) if the range covers uhva.
 */
function* gfn_to_pfn_cache_invalidate(s: RetryState, t: Thread<RetryFix>, range: HvaRange): Steps {
  const gpc = s.gpc;
  const ranged = t.fixed('range-based-retry');
  yield* s.gpc_lock.lock(); // spin_lock(&kvm->gpc_lock)
  yield* gpc.lock.writeLock(); // write_lock_irq(&gpc->lock)
  const flag = ranged ? 'gpc->needs_invalidation' : 'gpc->valid';
  yield* t.step(`if (${flag} && !is_error_noslot_pfn(gpc->pfn) && start <= gpc->uhva < end) ...`, {
    reads: [gpc.pfn, gpc.uhva, gpc.valid, s.needs_invalidation],
    writes: [gpc.valid, s.needs_invalidation],
  });
  const hit = gpc.uhva.value === range && gpc.pfn.value !== KVM_PFN_ERR_FAULT;
  if (hit && (ranged ? s.needs_invalidation.value : gpc.valid.value)) {
    s.needs_invalidation.value = false;
    gpc.valid.value = false;
  }
  yield* gpc.lock.writeUnlock(); // write_unlock_irq(&gpc->lock)
  yield* s.gpc_lock.unlock(); // spin_unlock(&kvm->gpc_lock)
}
