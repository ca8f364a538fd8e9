import type { Steps, Thread } from '@kvmrace/core';
import type { PfncacheFix } from './fixes.js';
import { gpc_unmap } from './host-mm.js';
import { KVM_PFN_ERR_FAULT, type PfncacheState } from './state.js';

/**
 * `kvm_gpc_deactivate()`: clears active and valid under `gpc->lock`, takes the cache off
 * `kvm->gpc_list` and unmaps khva. Before 6addfcf27139 it does not take `gpc->refresh_lock`, so it
 * runs while a refresh has dropped `gpc->lock` inside `hva_to_pfn_retry()`.
 */
export function* kvm_gpc_deactivate(s: PfncacheState, t: Thread<PfncacheFix>): Steps {
  const gpc = s.gpc;
  const guarded = t.fixed('deactivate-takes-refresh-lock');
  if (guarded) yield* gpc.refresh_lock.lock(); // guard(mutex)(&gpc->refresh_lock)
  if (yield* gpc.active.plainRead('if (gpc->active)')) { // plain: only this caller-serialized path writes it
    yield* gpc.lock.writeLock(); // write_lock_irq(&gpc->lock)
    yield* t.step('gpc->active = false; gpc->valid = false; old_khva = gpc->khva; gpc->khva = NULL; old_pfn = gpc->pfn; gpc->pfn = ERR', {
      writes: [gpc.active, gpc.valid, gpc.khva, gpc.pfn],
    });
    const old_khva = gpc.khva.value;
    const old_pfn = gpc.pfn.value;
    gpc.active.value = false;
    gpc.valid.value = false;
    gpc.khva.value = null;
    gpc.pfn.value = KVM_PFN_ERR_FAULT;
    yield* gpc.lock.writeUnlock(); // write_unlock_irq(&gpc->lock)
    yield* s.gpc_lock.lock(); // spin_lock(&kvm->gpc_lock)
    yield* s.on_gpc_list.plainWrite(false, 'list_del(&gpc->list)'); // plain, under kvm->gpc_lock
    yield* s.gpc_lock.unlock(); // spin_unlock(&kvm->gpc_lock)
    yield* gpc_unmap(s, old_pfn, old_khva);
  }
  if (guarded) yield* gpc.refresh_lock.unlock(); // end of the guard's scope
}
