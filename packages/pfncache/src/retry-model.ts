import { defineModel, withLivenessScenarios } from '@kvmrace/core';
import { PFNCACHE_INVARIANTS } from './invariants.js';
import { RETRY_FIXES, type RetryFix } from './retry-fixes.js';
import { invalidate_range } from './retry-invalidate.js';
import { refresh_retry } from './retry-refresh.js';
import { setupRetry, type RetryState } from './retry-state.js';
import { describePfncache } from './state.js';

/** The operations of the retry model. */
export type RetryOp = 'refresh' | 'invalidate_other';

/**
 * pfncache's `hva_to_pfn_retry()` against mmu-notifier invalidations: buggy, it retries while
 * any invalidation runs or ran, so invalidations of an unrelated range that never stop keep it
 * retrying for ever (a livelock on a fair schedule); with the range-based check it completes.
 */
const model = defineModel({
  name: 'pfncache-retry',
  title: 'pfncache: hva_to_pfn_retry() vs invalidations of an unrelated range',
  summary:
    'hva_to_pfn_retry() retries while mmu_notifier_retry_cache() sees any invalidation in progress or since it sampled ' +
    'mmu_invalidate_seq, whatever range it covers: invalidations of other memory that keep coming keep the refresh retrying ' +
    'for ever, on a schedule that runs every CPU. The range-based check retries only for invalidations of the gpc\'s uhva.',
  sources: [
    'virt/kvm/pfncache.c: hva_to_pfn_retry(), mmu_notifier_retry_cache(), gfn_to_pfn_cache_invalidate_start() (v6.9)',
    '723f68f41596 KVM: pfncache: Implement range-based invalidation check for hva_to_pfn_retry() (David Woodhouse)',
    'b03f63695df0 KVM: pfncache: Move invalidation to invalidate_range_end hook (David Woodhouse)',
  ],
  fixes: RETRY_FIXES,
  operations: {
    refresh: { summary: 'refresh the cache, retrying as the kernel does (no bound)', kernel: 'kvm_gpc_refresh() / hva_to_pfn_retry()', run: refresh_retry },
    invalidate_other: { summary: 'mmu-notifier invalidation of H2, memory the cache does not map', kernel: 'kvm_mmu_notifier_invalidate_range_start/end()', run: (s: RetryState, t) => invalidate_range(s, t, 'H2') },
  },
  setup: setupRetry,
  invariants: PFNCACHE_INVARIANTS,
  scenarios: {
    minThreads: 1,
    maxThreads: 3,
    maxOpsPerThread: 2,
    maxOps: 3,
    catalogue: [
      { name: 'refresh-vs-invalidate-other', threads: [['refresh'], ['invalidate_other']] },
      { name: 'refresh-vs-two-invalidate-other', threads: [['refresh'], ['invalidate_other', 'invalidate_other']] },
      { name: 'refresh-vs-invalidate-other-twice-parallel', threads: [['refresh'], ['invalidate_other'], ['invalidate_other']] },
    ],
  },
  describeState: describePfncache,
  maxSteps: 400,
});

/** The model, with the liveness scenarios `verify --liveness` checks: an invalidator of other memory that never stops. */
export const pfncacheRetry = withLivenessScenarios(model, [
  { name: 'refresh-vs-endless-invalidate-other', threads: [['refresh'], ['invalidate_other']], endless: [1] },
]);
