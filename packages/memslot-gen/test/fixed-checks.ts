import { hunt, verify, type HuntStrategy } from '@kvmrace/core';
import { expect } from 'vitest';
import { memslotGen } from '../src/index.js';

/**
 * The checks this suite runs on the fixed variant, as functions of the fix set, so that
 * fix-hunks.test.ts can run the very same checks on the fixed variant less one hunk. Each throws
 * (a failed `expect`) when the fix set does not pass it.
 */

/**
 * The bound: every catalogue scenario (the upstream variant must hold in all of them),
 * every interleaving (DPOR). The README states the same bound.
 */
export const CLAIMED = memslotGen.scenarios.catalogue.map((s) => s.threads);

/** Every interleaving of every claimed scenario holds. */
export const exhaustiveHolds = {
  name: 'exhaustive: verify over the claimed catalogue (DPOR)',
  run(fixes: readonly string[]): void {
    const r = verify(memslotGen, { fixes, scenarios: CLAIMED });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(0);
  },
};

/** 100,000 random schedules over the catalogue: no failure of any kind, nothing gives up. */
export const randomHolds = {
  name: 'random: 100,000 schedules over the catalogue',
  run(fixes: readonly string[]): void {
    const runs = 100_000;
    const r = hunt(memslotGen, { fixes, seed: 1, runs, strategy: 'random' });
    expect(r.counterexample).toBeUndefined();
    expect(r.outcomes).toEqual({ ok: runs, violation: 0, oops: 0, warn: 0, deadlock: 0, 'bound-reached': 0, 'data-race': 0 });
    expect(r.gaveUp).toBe(0); // nothing retries: an odd generation punts to the slow path
  },
};

/** 10,000 PCT schedules over the catalogue, all ok. */
export const pctHolds = {
  name: 'pct: 10,000 schedules over the catalogue',
  run(fixes: readonly string[]): void {
    const r = hunt(memslotGen, { fixes, seed: 2, runs: 10_000, strategy: 'pct' });
    expect(r.outcomes.ok).toBe(10_000);
  },
};

/** The two cache flavours of the catalogue (fix-per-flavour.test.ts). */
export const PER_VCPU = memslotGen.scenarios.catalogue.filter((s) => s.threads.flat().some((op) => op === 'vcpu_mmio_exit' || op === 'mmio_access'));
export const SPTE_ONLY = memslotGen.scenarios.catalogue.filter((s) => !PER_VCPU.includes(s));
export type Flavour = 'per-vcpu mmio_gen' | 'mmio spte';

/** A `holds` cell of the per-flavour matrix: 5,000 schedules of `strategy` over that flavour's scenarios, all ok. */
export function flavourHolds(flavour: Flavour, strategy: HuntStrategy) {
  return {
    name: `flavour: 5,000 ${strategy} schedules, ${flavour} cache`,
    run(fixes: readonly string[]): void {
      const scenarios = (flavour === 'mmio spte' ? SPTE_ONLY : PER_VCPU).map((s) => s.threads);
      const runs = 5_000;
      const r = hunt(memslotGen, { fixes, seed: 3, runs, strategy, scenarios });
      expect(r.counterexample?.outcome).toBeUndefined();
      expect(r.outcomes.ok).toBe(runs);
    },
  };
}

/** The fixed-variant checks of this suite, cheapest first. */
export const FIXED_CHECKS = [
  exhaustiveHolds,
  flavourHolds('per-vcpu mmio_gen', 'random'),
  flavourHolds('per-vcpu mmio_gen', 'pct'),
  flavourHolds('mmio spte', 'random'),
  flavourHolds('mmio spte', 'pct'),
  pctHolds,
  randomHolds,
] as const;

/** Runs every fixed-variant check on `fixes`; throws at the first that fails. */
export function checkFixedVariant(fixes: readonly string[]): void {
  for (const c of FIXED_CHECKS) c.run(fixes);
}
