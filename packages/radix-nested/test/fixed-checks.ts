import { hunt, verify } from '@kvmrace/core';
import { expect } from 'vitest';
import { radixNested } from '../src/index.js';

/**
 * The checks this suite runs on the fixed variant, as functions of the fix set, so that
 * fix-hunks.test.ts can run the very same checks on the fixed variant less one hunk. Each throws
 * (a failed `expect`) when the fix set does not pass it.
 */

/**
 * The bound: every catalogue scenario (the upstream variant must hold in all of them),
 * every interleaving (DPOR). The README states the same bound.
 */
export const CLAIMED = radixNested.scenarios.catalogue.map((s) => s.threads);

const NO_FAILURE = { ok: 0, violation: 0, oops: 0, warn: 0, deadlock: 0, 'bound-reached': 0, 'data-race': 0 };

/** Every interleaving of every claimed scenario holds. */
export const exhaustiveHolds = {
  name: 'exhaustive: verify over the claimed catalogue (DPOR)',
  run(fixes: readonly string[]): void {
    const r = verify(radixNested, { fixes, scenarios: CLAIMED });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(0);
  },
};

/** 100,000 random schedules over the catalogue: no failure of any kind, and no re-fault loop gives up. */
export const randomHolds = {
  name: 'random: 100,000 schedules over the catalogue',
  run(fixes: readonly string[]): void {
    const runs = 100_000;
    const r = hunt(radixNested, { fixes, seed: 20190826, runs, strategy: 'random' });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.found).toBe(false);
    expect(r.outcomes).toEqual({ ...NO_FAILURE, ok: runs });
    expect(r.gaveUp).toBe(0); // MAX_RETRY re-faults always suffice: no run was cut short
  },
};

/** 20,000 PCT schedules (depth 3) over the catalogue, likewise. */
export const pctHolds = {
  name: 'pct: 20,000 schedules (depth 3) over the catalogue',
  run(fixes: readonly string[]): void {
    const runs = 20_000;
    const r = hunt(radixNested, { fixes, seed: 7, runs, strategy: 'pct', pctDepth: 3 });
    expect(r.found).toBe(false);
    expect(r.outcomes).toEqual({ ...NO_FAILURE, ok: runs });
    expect(r.gaveUp).toBe(0);
  },
};

/** The fixed-variant checks of this suite, cheapest first. */
export const FIXED_CHECKS = [exhaustiveHolds, pctHolds, randomHolds] as const;

/** Runs every fixed-variant check on `fixes`; throws at the first that fails. */
export function checkFixedVariant(fixes: readonly string[]): void {
  for (const c of FIXED_CHECKS) c.run(fixes);
}
