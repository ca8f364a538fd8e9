import type { Steps, Thread } from '@kvmrace/core';
import type { PfncacheFix } from './fixes.js';
import { KVM_PFN_ERR_FAULT, type PfncacheState } from './state.js';

/**
 * `hva_to_pfn(uhva)`: one step, gup of the page the primary MMU maps at H now (the pin itself is
 * not modelled). With `t`, the walk reads the pte as the page-table lock gives it: the latest one
 * (the primary MMU changes it under that lock too), so under a weak memory model gup never sees a
 * pte older than the last change; without `t`, a READ_ONCE of it.
 */
export function* hva_to_pfn(s: PfncacheState, t?: Thread<PfncacheFix>): Steps<string> {
  if (t === undefined) return yield* s.primary.read('new_pfn = hva_to_pfn(uhva)');
  yield* t.step('new_pfn = hva_to_pfn(uhva)', { reads: [s.primary] }); // spin_lock(ptl); pte = *ptep; spin_unlock(ptl)
  return s.primary.value;
}

/** `gpc_map(pfn)`: one step, a fresh kernel mapping (`kmap`/`memremap`) of the pfn, named K1, K2... */
export function* gpc_map(s: PfncacheState, pfn: string): Steps<string> {
  let khva = '';
  yield* s.mapped.update((m) => {
    khva = `K${++s.mapsMade}`;
    return [...m, khva];
  }, `new_khva = gpc_map(${pfn})`);
  return khva;
}

/** `gpc_unmap(pfn, khva)`: one step, drops the kernel mapping (nothing to do for an error pfn or a NULL khva). */
export function* gpc_unmap(s: PfncacheState, pfn: string, khva: string | null): Steps {
  if (pfn === KVM_PFN_ERR_FAULT || khva === null) return;
  yield* s.mapped.update((m) => m.filter((k) => k !== khva), `gpc_unmap(${pfn}, ${khva})`);
}

/** Releases the gpc locks this thread holds, then ends it as `GAVE_UP`: a bounded retry loop ran out. */
export function* giveUp(s: PfncacheState, t: Thread<PfncacheFix>, why: string): Steps<never> {
  if (s.gpc.lock.writer === t.tid) yield* s.gpc.lock.writeUnlock();
  if (s.gpc.refresh_lock.holder === t.tid) yield* s.gpc.refresh_lock.unlock();
  return t.gaveUp(why);
}
