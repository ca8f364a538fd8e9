import type { Lock, Var, World } from '@kvmrace/core';
import { setupPfncache, type PfncacheState } from './state.js';

/** The two userspace ranges an invalidation may cover: the gpc's `H`, or an unrelated `H2`. */
export type HvaRange = 'H' | 'H2';

/** The pfncache state with what the range-based retry check adds (723f68f41596). */
export interface RetryState extends PfncacheState {
  /** `gpc->needs_invalidation`: set before the lock is dropped; an invalidation of uhva clears it and makes the refresh retry. */
  readonly needs_invalidation: Var<boolean>;
  /** `kvm->mn_invalidate_lock`: protects the count and the pending range. */
  readonly mn_invalidate_lock: Lock;
  /** `kvm->mmu_gpc_invalidate_range_start/end`: the ranges of the invalidations in progress (null: none, `KVM_HVA_ERR_BAD`). */
  readonly gpc_invalidate_range: Var<readonly HvaRange[] | null>;
}

/** The pfncache start state ("after an mmu-notifier invalidation": valid = 0, pfn P kept), with no invalidation pending. */
export function setupRetry(w: World): RetryState {
  const base = setupPfncache(w);
  return {
    ...base,
    needs_invalidation: w.var('gpc->needs_invalidation', false),
    mn_invalidate_lock: w.spinlock('kvm->mn_invalidate_lock'),
    gpc_invalidate_range: w.var<readonly HvaRange[] | null>('kvm->mmu_gpc_invalidate_range', null),
  };
}
