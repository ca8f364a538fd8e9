import { defineModel, execute, fromRuns, hunt, Replay, ReplayMismatchError, verify } from '@kvmrace/core';
import { expect } from 'vitest';
import { PFNCACHE_CATALOGUE, pfncache } from '../src/index.js';
import { FollowScript } from './follow-script.js';

/**
 * The checks this suite runs on the upstream variant (the fix as merged:
 * `deactivate-takes-refresh-lock`), as functions of the fix set, so that fix-hunks.test.ts can run
 * the very same checks on a weakened fix set. Each throws (a failed `expect`) when the fix set does
 * not pass it. The posted rework (`rework-refresh`, a proposal) races with an invalidation:
 * rework-vs-invalidate.test.ts shows it.
 */

/** The bound: every catalogue scenario, every interleaving. The README states the same bound. */
export const CLAIMED = pfncache.scenarios.catalogue.map((s) => s.threads);

/** The catalogue scenarios without an invalidate thread (where `all`, rework included, holds too). */
export const WITHOUT_INVALIDATE = PFNCACHE_CATALOGUE.filter((s) => !s.threads.some((ops) => ops.includes('invalidate')));

/** The model with its invariants switched off, to see what a kernel without them would do (oops.test.ts). */
export const BLIND = defineModel({ ...pfncache, invariants: [] });
export const OOPS_SCENARIO = [['check_and_use'], ['deactivate', 'activate']];

/** PROTOCOLS.md E's minimal buggy interleaving: R up to R5, all of D, then R6..R8 (minimal-interleaving.test.ts). */
export const MINIMAL_SCENARIO = [['refresh'], ['deactivate']];
export const MINIMAL_SCRIPT = fromRuns([
  [0, 8], // mutex_lock, write_lock, old_pfn/old_khva, valid = 0, mmu_seq, write_unlock, hva_to_pfn, new_pfn == gpc->pfn
  [1, 8], // if (active), write_lock, clear, write_unlock, spin_lock, list_del, spin_unlock, gpc_unmap
  [0, 4], // write_lock, retry check, install, write_unlock (the invariant breaks there)
]);

/** Every interleaving of every catalogue scenario holds. */
export const exhaustiveHolds = {
  name: 'exhaustive: verify over the whole catalogue',
  run(fixes: readonly string[]): void {
    const r = verify(pfncache, { fixes, scenarios: CLAIMED });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(0);
  },
};

/** The minimal buggy script no longer fits as is, and its closest legal schedule holds. */
export const scriptHolds = {
  name: 'script: the minimal interleaving does not fit, its closest legal schedule holds',
  run(fixes: readonly string[]): void {
    // With the upstream fix D blocks on refresh_lock at its first step; with the rework R takes
    // other steps. Either way the exact script cannot be replayed...
    expect(() => execute(pfncache, new Set(fixes), MINIMAL_SCENARIO, new Replay(MINIMAL_SCRIPT))).toThrow(ReplayMismatchError);
    // ...so follow it wherever the fixed code lets it, and the run must hold.
    const follow = new FollowScript(MINIMAL_SCRIPT);
    const x = execute(pfncache, new Set(fixes), MINIMAL_SCENARIO, follow);
    expect(x.outcome.kind).toBe('ok');
    expect(follow.deviations).toBeGreaterThan(0);
  },
};

/** With the invariants off, 20,000 random schedules of a reader against deactivate+activate: no oops, no KVM_BUG_ON. */
export const blindHolds = {
  name: 'oops: 20,000 random schedules with the invariants off',
  run(fixes: readonly string[]): void {
    const r = hunt(BLIND, { fixes, seed: 1, runs: 20_000, strategy: 'random', scenarios: [OOPS_SCENARIO] });
    expect(r.found).toBe(false);
  },
};

/** 100,000 random schedules of the catalogue scenarios (`scenarios`, default all of them): no failure of any kind. */
export const randomHolds = {
  name: 'random: 100,000 schedules over the whole catalogue',
  run(fixes: readonly string[], scenarios: readonly (readonly (readonly string[])[])[] = CLAIMED): void {
    const runs = 100_000;
    const r = hunt(pfncache, { fixes, seed: 1, runs, strategy: 'random', scenarios: scenarios.map((s) => s.map((ops) => [...ops])) });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.outcomes).toEqual({ ok: runs, violation: 0, oops: 0, warn: 0, deadlock: 0, 'bound-reached': 0, 'data-race': 0 });
  },
};

/** The upstream-variant checks of this suite, cheapest first. */
export const FIXED_CHECKS = [exhaustiveHolds, scriptHolds, blindHolds, randomHolds] as const;

/** Runs every upstream-variant check on `fixes`; throws at the first that fails. */
export function checkFixedVariant(fixes: readonly string[]): void {
  for (const c of FIXED_CHECKS) c.run(fixes);
}
