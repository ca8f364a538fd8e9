import { resolveVariant } from '@kvmrace/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The model packages cannot depend on @kvmrace/properties (it devDepends on them: a cycle turbo
// rejects), so the shared helper is imported from its source file, which imports only
// @kvmrace/core. The comment silences TS6059 (a file outside this package's rootDir).
import { caughtBy, fixHunkMutation, markdownTable, necessaryOf, runVariantChecks } from '@kvmrace/core';
import { pfncache } from '../src/index.js';
import { CLAIMED, FIXED_CHECKS } from './fixed-checks.js';

// Issue #11, fix-hunk mutation, within the exhaustive test's bound: the claimed catalogue, i.e.
// without the `fixedBreaks` scenarios (every one with an invalidate thread, where `fixed` itself
// breaks: a mutant of a fix set that does not hold would mean nothing there). Core's ablation
// finds NO necessary hunk: the rework alone and the upstream refresh_lock alone each hold against
// deactivate (the README's table says the same). So the mutants are every single-hunk removal the
// ablation says breaks, from `fixed` (none: either hunk left holds) and from each minimal
// sufficient fix set (less its one hunk: buggy). Each must fail this suite's own fixed-variant
// checks (fixed-checks.ts).
const mutation = fixHunkMutation(pfncache, { scenarios: CLAIMED });
/** KVMRACE_MUTANT_ALL_CHECKS=1 runs every check on every mutant (not only up to the first that fails) and logs the verdicts. */
const ALL_CHECKS = process.env.KVMRACE_MUTANT_ALL_CHECKS === '1';
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const key = (fixes: readonly string[]) => pfncache.fixNames.filter((f) => fixes.includes(f)).join(',');

describe('fix-hunk mutation', () => {
  it('the ablation over the claimed scenarios: no hunk is necessary; the rework alone and the upstream fix alone each suffice', () => {
    expect(mutation.necessary).toEqual([]);
    expect(mutation.necessaryMutants).toEqual([]);
    expect(mutation.ablation.minimalSufficient).toEqual([['rework-refresh'], ['deactivate-takes-refresh-lock']]);
    expect(mutation.mutants.map((m) => m.variant)).toEqual(['buggy']);
  });

  it("agrees with the README's table (its refresh-vs-deactivate column is the claimed bound), row by row", () => {
    const rows = markdownTable(README, '| variant | refresh vs deactivate (+ activate, readers) |');
    expect(rows.map(([v]) => v)).toEqual(['buggy', 'upstream', 'rework', 'fixed']);
    const verdicts = new Map(mutation.ablation.rows.map((r) => [key(r.fixes), r.verdict]));
    const readmeHolding: string[][] = [];
    for (const [variant, vsDeactivate] of rows) {
      const fixes = resolveVariant(pfncache, variant ?? '').fixes;
      const stated = vsDeactivate?.startsWith('holds') ? 'holds' : 'violated';
      expect(verdicts.get(key(fixes)), `README row ${variant}: ${vsDeactivate}`).toBe(stated);
      if (stated === 'holds') readmeHolding.push([...fixes]);
    }
    expect(necessaryOf(pfncache.fixNames, readmeHolding)).toEqual(mutation.necessary);
  });

  it.each(mutation.mutants.map((m) => [m.baseVariant, m.hunk, m.variant, m] as const))('%s less %s (%s): the fixed-variant checks fail', (_base, _hunk, _variant, m) => {
    const verdicts = runVariantChecks(FIXED_CHECKS, m.fixes, { all: ALL_CHECKS });
    if (ALL_CHECKS) console.log(m.variant, verdicts);
    expect(caughtBy(verdicts), JSON.stringify(verdicts)).not.toEqual([]);
  });
});
