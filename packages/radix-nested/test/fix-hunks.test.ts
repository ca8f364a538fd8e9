import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The model packages cannot depend on @kvmrace/properties (it devDepends on them: a cycle turbo
// rejects), so the shared helper is imported from its source file, which imports only
// @kvmrace/core. The comment silences TS6059 (a file outside this package's rootDir).
import { caughtBy, fixHunkMutation, markdownTable, necessaryOf, runVariantChecks } from '@kvmrace/core';
import { radixNested } from '../src/index.js';
import { CLAIMED, FIXED_CHECKS } from './fixed-checks.js';

// Issue #11, fix-hunk mutation: core's ablation within the exhaustive test's bound says which
// hunks are necessary; the fixed variant less any one of them must fail this suite's own
// fixed-variant checks (fixed-checks.ts: exhaustive, PCT and random, as the suite runs them).
const mutation = fixHunkMutation(radixNested, { scenarios: CLAIMED });
/** KVMRACE_MUTANT_ALL_CHECKS=1 runs every check on every mutant (not only up to the first that fails) and logs the verdicts. */
const ALL_CHECKS = process.env.KVMRACE_MUTANT_ALL_CHECKS === '1';
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/`/g, '').replace(/\s+/g, ' ');

describe('fix-hunk mutation', () => {
  it('the ablation within the exhaustive bound: the one hunk is necessary', () => {
    expect(mutation.necessary.length).toBeGreaterThan(0);
    expect(mutation.necessaryMutants.map((m) => m.hunk)).toEqual(mutation.necessary); // fixed less each one is violated
    expect(mutation.necessary).toEqual(['clear-dirty-bumps-seq']);
    expect(mutation.holding).toEqual([['clear-dirty-bumps-seq']]);
  });

  it('agrees with the README (which has no ablation table: one toggle, buggy breaks, fixed holds)', () => {
    expect(markdownTable(readFileSync(new URL('../README.md', import.meta.url), 'utf8'), 'toggle').map((r) => r[0])).toEqual([...radixNested.fixNames]);
    expect(README).toContain('buggy means no toggle and fixed means the toggle is on');
    expect(README).toContain('Every one of them breaks I_A on buggy. Every one holds on fixed');
    expect(necessaryOf(radixNested.fixNames, [radixNested.fixNames])).toEqual(mutation.necessary);
  });

  it.each(mutation.mutants.map((m) => [m.baseVariant, m.hunk, m.variant, m] as const))('%s less %s (%s): the fixed-variant checks fail', (_base, _hunk, _variant, m) => {
    expect(m.necessary).toBe(true);
    const verdicts = runVariantChecks(FIXED_CHECKS, m.fixes, { all: ALL_CHECKS });
    if (ALL_CHECKS) console.log(m.variant, verdicts);
    expect(caughtBy(verdicts), JSON.stringify(verdicts)).not.toEqual([]);
  });
});
