import { caughtBy, fixHunkMutation, runVariantChecks } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { vcpuRequests } from '../src/index.js';
import { CLAIMED, FIXED_CHECKS } from './fixed-checks.js';

// Issue #11, fix-hunk mutation: the one ordering toggle is necessary within the exhaustive bound,
// and upstream less it (= buggy) must fail this suite's own fixed-variant checks.
const mutation = fixHunkMutation(vcpuRequests, { scenarios: CLAIMED });

describe('fix-hunk mutation', () => {
  it('mode-before-request-check is necessary', () => {
    expect(mutation.necessary).toEqual(['mode-before-request-check']);
    expect(mutation.mutants.map((m) => m.variant)).toEqual(['buggy']);
  });

  it.each(mutation.mutants.map((m) => [m.variant, m] as const))('%s: the fixed-variant checks fail', (_variant, m) => {
    const verdicts = runVariantChecks(FIXED_CHECKS, m.fixes);
    expect(caughtBy(verdicts), JSON.stringify(verdicts)).not.toEqual([]);
  });
});
