import type { Steps, Thread } from '@kvmrace/core';
import type { PfncacheFix } from './fixes.js';
import { kvm_gpc_refresh } from './refresh.js';
import { MAX_RETRY, type PfncacheState } from './state.js';

/**
 * A reader such as `__kvm_xen_has_interrupt()`: `read_lock(&gpc->lock); while (!kvm_gpc_check())
 * { read_unlock; if (kvm_gpc_refresh()) return; read_lock; }`, then dereference `gpc->khva`. An
 * unmapped khva is an `oops`. The loop is bounded by MAX_RETRY refreshes.
 */
export function* check_and_use(s: PfncacheState, t: Thread<PfncacheFix>): Steps {
  const gpc = s.gpc;
  yield* gpc.lock.readLock(); // read_lock_irqsave(&gpc->lock, flags)
  for (let retries = 0; ; retries++) {
    // kvm_gpc_check(): active, gpa/generation/uhva unchanged, valid.
    yield* t.within('kvm_gpc_check', t.step('kvm_gpc_check(gpc): gpc->active && gpc->valid', { reads: [gpc.active, gpc.valid, gpc.uhva] }));
    if (gpc.active.value && gpc.valid.value) break;
    yield* gpc.lock.readUnlock(); // read_unlock_irqrestore(&gpc->lock, flags)
    if (retries >= MAX_RETRY) t.gaveUp(`kvm_gpc_check still false after ${MAX_RETRY} refreshes`);
    if ((yield* kvm_gpc_refresh(s, t)) !== 0) return; // the cache is inactive: nothing to use
    yield* gpc.lock.readLock(); // read_lock_irqsave(&gpc->lock, flags)
  }
  yield* t.step('use *gpc->khva', { reads: [gpc.khva, s.mapped] });
  const khva = gpc.khva.value;
  if (khva === null || !s.mapped.value.includes(khva)) t.oops(`dereferenced gpc->khva=${khva ?? 'NULL'}, which is not mapped`);
  yield* gpc.lock.readUnlock(); // read_unlock_irqrestore(&gpc->lock, flags)
}
