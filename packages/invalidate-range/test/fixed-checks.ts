import { verify } from '@kvmrace/core';
import { expect } from 'vitest';
import { invalidateRange } from '../src/index.js';

/** The bound: every catalogue scenario, every interleaving (the README states the same). */
export const CLAIMED = invalidateRange.scenarios.catalogue.map((s) => s.threads);

/** Every interleaving of every claimed scenario holds under sc. */
export const exhaustiveHolds = {
  name: 'exhaustive: verify over the catalogue under sc',
  run(fixes: readonly string[]): void {
    const r = verify(invalidateRange, { fixes, scenarios: CLAIMED });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
  },
};

export const FIXED_CHECKS = [exhaustiveHolds] as const;
