import type { Steps, Thread } from '@kvmrace/core';
import type { PfncacheFix } from './fixes.js';
import { __kvm_gpc_refresh } from './refresh.js';
import type { PfncacheState } from './state.js';

/**
 * `kvm_gpc_activate()` (`__kvm_gpc_activate()` upstream) with the same gpa: if inactive, put the
 * cache on `kvm->gpc_list`, then set active, then refresh. `KVM_BUG_ON(gpc->valid)` catches a cache
 * left valid by the race (a `warn`). With 6addfcf27139 the whole of it holds `gpc->refresh_lock`.
 */
export function* kvm_gpc_activate(s: PfncacheState, t: Thread<PfncacheFix>): Steps {
  const gpc = s.gpc;
  const guarded = t.fixed('deactivate-takes-refresh-lock');
  if (guarded) yield* gpc.refresh_lock.lock(); // guard(mutex)(&gpc->refresh_lock)
  yield* t.step('if (!gpc->active) { if (KVM_BUG_ON(gpc->valid)) -EIO', { reads: [gpc.active, gpc.valid] });
  if (!gpc.active.value) {
    t.warnOn(gpc.valid.value, 'KVM_BUG_ON(gpc->valid) in kvm_gpc_activate: an inactive cache is valid');
    yield* s.gpc_lock.lock(); // spin_lock(&kvm->gpc_lock)
    yield* s.on_gpc_list.update((on) => {
      t.bugOn(on, 'list_add corruption: gpc is already on kvm->gpc_list');
      return true;
    }, 'list_add(&gpc->list, &kvm->gpc_list)');
    yield* s.gpc_lock.unlock(); // spin_unlock(&kvm->gpc_lock)
    // Activate the cache after adding it to the list: a refresh must not map before mmu_notifier events reach it.
    yield* gpc.lock.writeLock(); // write_lock_irq(&gpc->lock)
    yield* gpc.active.plainWrite(true, 'gpc->active = true'); // plain, under gpc->lock
    yield* gpc.lock.writeUnlock(); // write_unlock_irq(&gpc->lock)
  }
  yield* __kvm_gpc_refresh(s, t);
  if (guarded) yield* gpc.refresh_lock.unlock(); // end of the guard's scope
}
