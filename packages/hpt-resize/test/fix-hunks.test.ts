import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The model packages cannot depend on @kvmrace/properties (it devDepends on them: a cycle turbo
// rejects), so the shared helper is imported from its source file, which imports only
// @kvmrace/core. The comment silences TS6059 (a file outside this package's rootDir).
import { caughtBy, fixHunkMutation, necessaryOf, runVariantChecks } from '@kvmrace/core';
import { hptResize } from '../src/index.js';
import { CLAIMED, FIXED_CHECKS, PREEMPTIONS } from './fixed-checks.js';

// Issue #11, fix-hunk mutation: core's ablation within the exhaustive test's bound says which
// hunks are necessary; the fixed variant less any one of them must fail this suite's own
// fixed-variant checks (fixed-checks.ts: the exhaustive and the random check, as the suite runs them).
const mutation = fixHunkMutation(hptResize, { scenarios: CLAIMED, preemptions: PREEMPTIONS });
/** KVMRACE_MUTANT_ALL_CHECKS=1 runs every check on every mutant (not only up to the first that fails) and logs the verdicts. */
const ALL_CHECKS = process.env.KVMRACE_MUTANT_ALL_CHECKS === '1';
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/`/g, '').replace(/\s+/g, ' ');
const sorted = (sets: readonly (readonly string[])[]) => sets.map((s) => [...s].sort().join(',')).sort();

describe('fix-hunk mutation', () => {
  it('the ablation within the exhaustive bound: run-core-checks-flag and fault-checks-flag are necessary', () => {
    expect(mutation.necessary.length).toBeGreaterThan(0);
    expect(mutation.necessaryMutants.map((m) => m.hunk)).toEqual(mutation.necessary); // fixed less each one is violated
    expect(mutation.necessary).toEqual(['run-core-checks-flag', 'fault-checks-flag']);
  });

  it('agrees with the README: every subset breaks except run-core-checks-flag,fault-checks-flag and all three', () => {
    // The README states it in prose (no table): "breaks every subset except
    // `run-core-checks-flag,fault-checks-flag` and all three".
    const stated = /breaks every subset except ([a-z,-]+) and all three/.exec(README);
    expect(stated, 'the README sentence on which subsets hold').not.toBeNull();
    const holding = [(stated?.[1] ?? '').split(','), [...hptResize.fixNames]];
    expect(sorted(mutation.holding)).toEqual(sorted(holding));
    expect(necessaryOf(hptResize.fixNames, holding)).toEqual(mutation.necessary);
  });

  it.each(mutation.mutants.map((m) => [m.baseVariant, m.hunk, m.variant, m] as const))('%s less %s (%s): the fixed-variant checks fail', (_base, _hunk, _variant, m) => {
    expect(m.necessary).toBe(true);
    const verdicts = runVariantChecks(FIXED_CHECKS, m.fixes, { all: ALL_CHECKS });
    if (ALL_CHECKS) console.log(m.variant, verdicts);
    expect(caughtBy(verdicts), JSON.stringify(verdicts)).not.toEqual([]);
  });
});
