import { hunt, verify, type HuntStrategy } from '@kvmrace/core';
import { expect } from 'vitest';
import { changePte } from '../src/index.js';

/**
 * The checks this suite runs on the fixed variant, as functions of the fix set, so that
 * fix-hunks.test.ts can run the very same checks on a weakened fix set. Each throws (a failed
 * `expect`) when the fix set does not pass it.
 */

/**
 * The bound: every catalogue scenario (the upstream variant must hold in all of them),
 * every interleaving with at most 2 preemptions. The README states the same bound.
 */
export const CLAIMED = changePte.scenarios.catalogue.map((s) => s.threads);
export const PREEMPTIONS = 2;

/** Every interleaving with at most 2 preemptions of every claimed scenario holds. */
export const exhaustiveHolds = {
  name: 'exhaustive: verify over the claimed catalogue, 2 preemptions',
  run(fixes: readonly string[]): void {
    const r = verify(changePte, { fixes, scenarios: CLAIMED, preemptions: PREEMPTIONS });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(0);
  },
};

/** 100,000 random schedules over the catalogue: no failure of any kind, and few faults give up. */
export const randomHolds = {
  name: 'random: 100,000 schedules over the catalogue',
  run(fixes: readonly string[]): void {
    const runs = 100_000;
    const r = hunt(changePte, { fixes, seed: 1, runs, strategy: 'random' });
    expect(r.counterexample).toBeUndefined();
    expect(r.outcomes).toEqual({ ok: runs, violation: 0, oops: 0, warn: 0, deadlock: 0, 'bound-reached': 0, 'data-race': 0 });
    // Some faults give up after MAX_RETRY re-faults (never a failure), but not most.
    expect(r.gaveUp).toBeLessThan(runs / 100);
  },
};

/** A `holds` cell of the variant matrix: 10,000 schedules of `strategy` over the catalogue, all ok. */
export function matrixHolds(strategy: HuntStrategy) {
  return {
    name: `matrix: 10,000 ${strategy} schedules over the catalogue`,
    run(fixes: readonly string[]): void {
      const runs = 10_000;
      const r = hunt(changePte, { fixes, seed: 7, runs, strategy });
      expect(r.counterexample?.outcome).toBeUndefined();
      expect(r.outcomes.ok).toBe(runs);
    },
  };
}

/** The fixed-variant checks of this suite, cheapest first. */
export const FIXED_CHECKS = [exhaustiveHolds, matrixHolds('random'), matrixHolds('pct'), randomHolds] as const;

/** Runs every fixed-variant check on `fixes`; throws at the first that fails. */
export function checkFixedVariant(fixes: readonly string[]): void {
  for (const c of FIXED_CHECKS) c.run(fixes);
}
