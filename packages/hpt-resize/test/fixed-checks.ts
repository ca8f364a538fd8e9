import { hunt, verify } from '@kvmrace/core';
import { expect } from 'vitest';
import { hptResize } from '../src/index.js';

/**
 * The checks this suite runs on the fixed variant, as functions of the fix set, so that
 * fix-hunks.test.ts can run the very same checks on the fixed variant less one hunk. Each throws
 * (a failed `expect`) when the fix set does not pass it.
 */

/**
 * The bound: every catalogue scenario (the upstream variant must hold in all of them),
 * every interleaving with at most 2 preemptions. The README states the same bound.
 */
export const CLAIMED = hptResize.scenarios.catalogue.map((s) => s.threads);
export const PREEMPTIONS = 2;

/** Every interleaving with at most 2 preemptions of every claimed scenario holds. */
export const exhaustiveHolds = {
  name: 'exhaustive: verify over the claimed catalogue, 2 preemptions',
  run(fixes: readonly string[]): void {
    const r = verify(hptResize, { fixes, scenarios: CLAIMED, preemptions: PREEMPTIONS });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(0);
  },
};

/** 100,000 random schedules over the catalogue: no failure of any kind, nothing gives up. */
export const randomHolds = {
  name: 'random: 100,000 schedules over the catalogue',
  run(fixes: readonly string[]): void {
    const r = hunt(hptResize, { fixes, seed: 1, runs: 100_000, strategy: 'random' });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.found).toBe(false);
    expect(r.outcomes).toEqual({ ok: 100_000, violation: 0, oops: 0, warn: 0, deadlock: 0, 'bound-reached': 0, 'data-race': 0 });
    expect(r.gaveUp).toBe(0);
  },
};

/** The fixed-variant checks of this suite, cheapest first. */
export const FIXED_CHECKS = [exhaustiveHolds, randomHolds] as const;

/** Runs every fixed-variant check on `fixes`; throws at the first that fails. */
export function checkFixedVariant(fixes: readonly string[]): void {
  for (const c of FIXED_CHECKS) c.run(fixes);
}
