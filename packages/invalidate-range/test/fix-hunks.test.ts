import { caughtBy, fixHunkMutation, runVariantChecks } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { invalidateRange } from '../src/index.js';
import { CLAIMED, FIXED_CHECKS } from './fixed-checks.js';

// Issue #11: within the exhaustive bound only the range is necessary. The range check without
// its in-progress guard is safe (a stale recorded range only adds retries; an in-range fault then
// gives up after MAX_RETRY, which no invariant judges: README), and the pre-check only adds retries.
const mutation = fixHunkMutation(invalidateRange, { scenarios: CLAIMED });

describe('fix-hunk mutation', () => {
  it('retry-checks-range is necessary and, unguarded, even sufficient', () => {
    expect(mutation.necessary).toEqual(['retry-checks-range']);
    expect(mutation.ablation.minimalSufficient).toEqual([['retry-checks-range']]);
    expect(mutation.mutants.map((m) => m.variant)).toEqual(['ignores-range', 'buggy']);
  });

  it.each(mutation.mutants.map((m) => [m.variant, m] as const))('%s: the fixed-variant checks fail', (_variant, m) => {
    expect(caughtBy(runVariantChecks(FIXED_CHECKS, m.fixes)), m.variant).not.toEqual([]);
  });
});
