import type { InvariantSpec } from '@kvmrace/core';
import type { InvalidateRangeState } from './state.js';

/**
 * No spte for a gfn in an invalidated range from a pfn resolved before that invalidation: gfn 0's
 * spte never maps a page the primary MMU replaced (each invalidation replaces gfn 0's page).
 */
export const noStaleSpte: InvariantSpec<InvalidateRangeState> = {
  name: 'no-stale-spte',
  description: 'no spte is installed for a gfn inside a range being invalidated from a pfn resolved before the invalidation',
  check: (s) => {
    const mapped = s.spte[0]!.value;
    return mapped === 'none' || !s.replaced.includes(mapped) || `stale spte: spte(gfn 0) maps ${mapped}, which the primary MMU replaced inside an invalidation of [0, 1)`;
  },
};

/** The property the range buys: a fault outside the range is never forced to retry by it. */
export const outsideNotRetried: InvariantSpec<InvalidateRangeState> = {
  name: 'outside-not-retried',
  description: 'a fault on a gfn outside the range being invalidated is not forced to retry by the in-progress check',
  check: (s) => s.rangeRetries[1] === 0 || `the fault on gfn 1 (outside [0, 1)) was forced to retry ${s.rangeRetries[1]} time(s) by the in-progress check`,
};
