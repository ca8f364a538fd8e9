import { resolveVariant } from '@kvmrace/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The model packages cannot depend on @kvmrace/properties (it devDepends on them: a cycle turbo
// rejects), so the shared helper is imported from its source file, which imports only
// @kvmrace/core. The comment silences TS6059 (a file outside this package's rootDir).
import { caughtBy, fixHunkMutation, markdownTable, necessaryOf, runVariantChecks } from '@kvmrace/core';
import { pfncache } from '../src/index.js';
import { CLAIMED, FIXED_CHECKS } from './fixed-checks.js';

// Issue #11, fix-hunk mutation, within the exhaustive test's bound (the whole catalogue). The fix
// is upstream's one hunk; the ablation covers every toggle, the posted rework's included. Over the
// whole catalogue `deactivate-takes-refresh-lock` is necessary: the rework alone, and both hunks
// together, break wherever an invalidation runs (rework-vs-invalidate.test.ts). So the one mutant
// is upstream less its hunk (buggy), and it must fail this suite's own checks (fixed-checks.ts).
const mutation = fixHunkMutation(pfncache, { scenarios: CLAIMED });
/** KVMRACE_MUTANT_ALL_CHECKS=1 runs every check on every mutant (not only up to the first that fails) and logs the verdicts. */
const ALL_CHECKS = process.env.KVMRACE_MUTANT_ALL_CHECKS === '1';
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const key = (fixes: readonly string[]) => pfncache.fixNames.filter((f) => fixes.includes(f)).join(',');

describe('fix-hunk mutation', () => {
  it('the ablation over the whole catalogue: the upstream hunk is necessary and suffices; the rework, alone or with it, breaks', () => {
    expect(mutation.necessary).toEqual(['deactivate-takes-refresh-lock']);
    expect(mutation.ablation.minimalSufficient).toEqual([['deactivate-takes-refresh-lock']]);
    expect(mutation.ablation.rows.map((r) => `${r.variant}: ${r.verdict}`)).toEqual(['buggy: violated', 'rework: violated', 'upstream: holds', 'all: violated']);
    expect(mutation.necessaryMutants.map((m) => m.variant)).toEqual(['buggy']);
    expect(mutation.mutants.map((m) => m.variant)).toEqual(['buggy']);
  });

  it("agrees with the README's table (a row holds when both its columns do: the whole catalogue), row by row", () => {
    const rows = markdownTable(README, '| variant | refresh vs deactivate (+ activate, readers) |');
    expect(rows.map(([v]) => v)).toEqual(['buggy', 'upstream', 'rework', 'all']);
    const verdicts = new Map(mutation.ablation.rows.map((r) => [key(r.fixes), r.verdict]));
    const readmeHolding: string[][] = [];
    for (const [variant, vsDeactivate, withInvalidate] of rows) {
      const fixes = resolveVariant(pfncache, variant ?? '').fixes;
      const stated = vsDeactivate?.startsWith('holds') && withInvalidate?.startsWith('holds') ? 'holds' : 'violated';
      expect(verdicts.get(key(fixes)), `README row ${variant}: ${vsDeactivate} / ${withInvalidate}`).toBe(stated);
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
