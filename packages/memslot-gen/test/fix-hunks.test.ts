import { resolveVariant } from '@kvmrace/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The model packages cannot depend on @kvmrace/properties (it devDepends on them: a cycle turbo
// rejects), so the shared helper is imported from its source file, which imports only
// @kvmrace/core. The comment silences TS6059 (a file outside this package's rootDir).
import { caughtBy, fixHunkMutation, markdownTable, necessaryOf, runVariantChecks } from '@kvmrace/core';
import { memslotGen } from '../src/index.js';
import { CLAIMED, FIXED_CHECKS } from './fixed-checks.js';

// Issue #11, fix-hunk mutation: core's ablation within the exhaustive test's bound says which
// hunks are necessary; the fixed variant less any one of them (and each minimal sufficient fix
// set less one of its hunks) must fail this suite's own fixed-variant checks (fixed-checks.ts:
// exhaustive, the per-flavour hunts, PCT and random, as the suite runs them).
const mutation = fixHunkMutation(memslotGen, { scenarios: CLAIMED });
/** KVMRACE_MUTANT_ALL_CHECKS=1 runs every check on every mutant (not only up to the first that fails) and logs the verdicts. */
const ALL_CHECKS = process.env.KVMRACE_MUTANT_ALL_CHECKS === '1';
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const key = (fixes: readonly string[]) => memslotGen.fixNames.filter((f) => fixes.includes(f)).join(',');

describe('fix-hunk mutation', () => {
  it('the ablation within the exhaustive bound: second-increment-after-synchronize is necessary (and enough)', () => {
    expect(mutation.necessary.length).toBeGreaterThan(0);
    expect(mutation.necessaryMutants.map((m) => m.hunk)).toEqual(mutation.necessary); // fixed less each one is violated
    expect(mutation.necessary).toEqual(['second-increment-after-synchronize']);
    expect(mutation.necessaryMutants.map((m) => m.variant)).toEqual(['spte-low-bit-only']);
    expect(mutation.mutants.map((m) => m.variant)).toEqual(['spte-low-bit-only', 'buggy']);
  });

  it('agrees with the README\'s "which fix alone suffices" table, row by row', () => {
    const rows = markdownTable(README, '| variant | per-vCPU `mmio_gen` | MMIO spte |');
    expect(rows.map(([v]) => v)).toEqual(['buggy', 'second-increment-only', 'spte-low-bit-only', 'fixed']);
    const verdicts = new Map(mutation.ablation.rows.map((r) => [key(r.fixes), r.verdict]));
    const readmeHolding: string[][] = [];
    for (const [variant, perVcpu, spte] of rows) {
      const fixes = resolveVariant(memslotGen, variant ?? '').fixes;
      const stated = perVcpu?.startsWith('holds') && spte?.startsWith('holds') ? 'holds' : 'violated';
      expect(verdicts.get(key(fixes)), `README row ${variant}: ${perVcpu} / ${spte}`).toBe(stated);
      if (stated === 'holds') readmeHolding.push([...fixes]);
    }
    expect(necessaryOf(memslotGen.fixNames, readmeHolding)).toEqual(mutation.necessary);
  });

  it.each(mutation.mutants.map((m) => [m.baseVariant, m.hunk, m.variant, m] as const))('%s less %s (%s): the fixed-variant checks fail', (_base, _hunk, _variant, m) => {
    expect(m.necessary).toBe(true);
    const verdicts = runVariantChecks(FIXED_CHECKS, m.fixes, { all: ALL_CHECKS });
    if (ALL_CHECKS) console.log(m.variant, verdicts);
    expect(caughtBy(verdicts), JSON.stringify(verdicts)).not.toEqual([]);
  });
});
