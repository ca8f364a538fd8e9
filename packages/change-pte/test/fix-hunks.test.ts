import { resolveVariant } from '@kvmrace/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The model packages cannot depend on @kvmrace/properties (it devDepends on them: a cycle turbo
// rejects), so the shared helper is imported from its source file, which imports only
// @kvmrace/core. The comment silences TS6059 (a file outside this package's rootDir).
import { caughtBy, fixHunkMutation, markdownTable, necessaryOf, runVariantChecks } from '@kvmrace/core';
import { changePte } from '../src/index.js';
import { CLAIMED, FIXED_CHECKS, PREEMPTIONS } from './fixed-checks.js';

// Issue #11, fix-hunk mutation. Core's ablation within the exhaustive test's bound finds NO
// necessary hunk here: the bracketed caller alone holds, and so does the seq++ handler alone (the
// README's matrix says the same). So instead of "upstream less a necessary hunk" the mutants are
// every single-hunk removal the ablation says breaks: from `upstream` (bracket + WARN; less the
// bracket, the WARN fires on the unbracketed change_pte) and from each minimal sufficient fix set
// (less its one hunk: buggy). Each must fail this suite's own fixed-variant checks (fixed-checks.ts).
const mutation = fixHunkMutation(changePte, { scenarios: CLAIMED, preemptions: PREEMPTIONS });
/** KVMRACE_MUTANT_ALL_CHECKS=1 runs every check on every mutant (not only up to the first that fails) and logs the verdicts. */
const ALL_CHECKS = process.env.KVMRACE_MUTANT_ALL_CHECKS === '1';
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const key = (fixes: readonly string[]) => changePte.fixNames.filter((f) => fixes.includes(f)).join(',');

describe('fix-hunk mutation', () => {
  it('the ablation within the exhaustive bound: no hunk is necessary; the bracket alone and the seq++ alone each suffice', () => {
    expect(mutation.necessary).toEqual([]);
    expect(mutation.necessaryMutants).toEqual([]);
    expect(mutation.ablation.minimalSufficient).toEqual([['caller-brackets-change-pte'], ['change-pte-bumps-seq']]);
    expect(mutation.mutants.map((m) => m.variant)).toEqual(['unbracketed-warn', 'buggy']);
  });

  it("agrees with the README's variant matrix, row by row", () => {
    const rows = markdownTable(README, '| variant | caller | handler | result |');
    expect(rows.length).toBe(6);
    const verdicts = new Map(mutation.ablation.rows.map((r) => [key(r.fixes), r.verdict]));
    const readmeHolding: string[][] = [];
    for (const [variant, , , result] of rows) {
      const fixes = resolveVariant(changePte, variant ?? '').fixes;
      const stated = result?.startsWith('holds') ? 'holds' : 'violated';
      expect(verdicts.get(key(fixes)), `README row ${variant}: ${result}`).toBe(stated);
      if (stated === 'holds') readmeHolding.push([...fixes]);
    }
    expect(necessaryOf(changePte.fixNames, readmeHolding)).toEqual(mutation.necessary);
    // The two subsets the README's table leaves out: all (holds) and the seq++ handler with the
    // WARN under an unbracketed caller (the WARN fires).
    const stated = new Set(rows.map(([v]) => key(resolveVariant(changePte, v ?? '').fixes)));
    expect(mutation.ablation.rows.filter((r) => !stated.has(key(r.fixes))).map((r) => `${r.variant}: ${r.verdict}`)).toEqual([
      'change-pte-bumps-seq,change-pte-warns-on-zero-count: violated',
      'all: holds',
    ]);
  });

  it.each(mutation.mutants.map((m) => [m.baseVariant, m.hunk, m.variant, m] as const))('%s less %s (%s): the fixed-variant checks fail', (_base, _hunk, _variant, m) => {
    const verdicts = runVariantChecks(FIXED_CHECKS, m.fixes, { all: ALL_CHECKS });
    if (ALL_CHECKS) console.log(m.variant, verdicts);
    expect(caughtBy(verdicts), JSON.stringify(verdicts)).not.toEqual([]);
  });
});
