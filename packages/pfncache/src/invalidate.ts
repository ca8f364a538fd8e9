import type { Steps, Thread } from '@kvmrace/core';
import type { PfncacheFix } from './fixes.js';
import { KVM_PFN_ERR_FAULT, type PfncacheState } from './state.js';

/**
 * One mmu-notifier invalidation of H, with the primary MMU remapping H to a new pfn between
 * `invalidate_range_start` and `invalidate_range_end` (migration, say).
 */
export function* invalidate(s: PfncacheState, t: Thread<PfncacheFix>): Steps {
  // kvm_mmu_notifier_invalidate_range_start(): under kvm->mn_invalidate_lock.
  yield* t.within('kvm_mmu_notifier_invalidate_range_start', s.mn.invalidateRangeStart());
  yield* t.within('gfn_to_pfn_cache_invalidate_start', gfn_to_pfn_cache_invalidate_start(s, t));
  // The primary MMU changes H; the old page may be freed once unpinned.
  yield* t.within('primary MMU', s.primary.update(() => `P${++s.remaps}`, 'primary(H) = new pfn'));
  // kvm_mmu_notifier_invalidate_range_end(): mmu_invalidate_seq++; ...; mn_active_invalidate_count--.
  yield* t.within('kvm_mmu_notifier_invalidate_range_end', s.mn.invalidateRangeEnd());
}

/**
 * `gfn_to_pfn_cache_invalidate_start()`: for each gpc on `kvm->gpc_list`, under `gpc->lock` for
 * write, clear `valid` if the cache maps an hva in the range (always H here).
 */
function* gfn_to_pfn_cache_invalidate_start(s: PfncacheState, t: Thread<PfncacheFix>): Steps {
  const gpc = s.gpc;
  yield* s.gpc_lock.lock(); // spin_lock(&kvm->gpc_lock)
  if (yield* s.on_gpc_list.plainRead('list_for_each_entry(gpc, &kvm->gpc_list, list)')) { // plain, under kvm->gpc_lock
    yield* gpc.lock.writeLock(); // write_lock_irq(&gpc->lock)
    yield* t.step('if (gpc->valid && !is_error_noslot_pfn(gpc->pfn) && start <= gpc->uhva < end) gpc->valid = false', {
      reads: [gpc.pfn, gpc.uhva],
      writes: [gpc.valid],
    });
    if (gpc.valid.value && gpc.pfn.value !== KVM_PFN_ERR_FAULT) gpc.valid.value = false;
    yield* gpc.lock.writeUnlock(); // write_unlock_irq(&gpc->lock)
  }
  yield* s.gpc_lock.unlock(); // spin_unlock(&kvm->gpc_lock)
}
