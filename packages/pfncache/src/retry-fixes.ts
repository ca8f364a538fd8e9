import type { FixSpec } from '@kvmrace/core';

/** The fix toggle of the retry model. */
export type RetryFix = 'range-based-retry';

/**
 * David Woodhouse's "KVM: pfncache: Implement range-based invalidation check for
 * hva_to_pfn_retry()" (723f68f41596), with the `gpc->needs_invalidation` flag it builds on and
 * "KVM: pfncache: Move invalidation to invalidate_range_end hook" (b03f63695df0): one toggle, as
 * the three hunks only work together.
 */
export const RETRY_FIXES: { readonly [K in RetryFix]: FixSpec } = {
  'range-based-retry': {
    commit: '723f68f41596',
    summary:
      'hva_to_pfn_retry() sets gpc->needs_invalidation before dropping gpc->lock, waits only for pending invalidations whose ' +
      'range covers gpc->uhva (gpc_wait_for_invalidations) and retries only if an invalidation of uhva cleared the flag; ' +
      'the gpc is invalidated from invalidate_range_end (b03f63695df0)',
  },
};
