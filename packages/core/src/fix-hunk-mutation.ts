/**
 * Fix-hunk mutation (issue #11): a model's own tests must notice when a hunk of its fix is taken
 * away. Core's ablation (`ablate`) says which subsets of the fix toggles hold within a bound; this
 * module turns that into the mutants a model's suite must catch and runs a model's fixed-variant
 * checks on a variant. It lives in core so that every model package's tests can use it.
 */
import { ablate, type Ablation } from './explore/ablate.js';
import type { VerifyOptions } from './explore/verify.js';
import { variantName } from './variant.js';
import type { AnyModel } from './model.js';

/** The bound an ablation verifies every subset within (the model's exhaustive-test bound). */
export type AblationBound = Omit<VerifyOptions, 'fixes' | 'minimal' | 'shard'>;

/** One mutant: a fix set that holds, less one of its hunks, which the ablation says is violated. */
export interface HunkMutant {
  /** The hunk taken away. */
  readonly hunk: string;
  /** The fix set it was taken from: the upstream fix set or a minimal sufficient one. */
  readonly base: readonly string[];
  /** The model's name for `base`. */
  readonly baseVariant: string;
  /** `base` without `hunk`, in declaration order. */
  readonly fixes: readonly string[];
  /** The model's name for `fixes`: `buggy`, a named variant, or the list. */
  readonly variant: string;
  /** True when the ablation says `hunk` is necessary (in every fix set that holds). */
  readonly necessary: boolean;
  /** The ablation's failure on `fixes` (kind and invariant). */
  readonly failure: string;
}

/** What `fixHunkMutation` computes. */
export interface FixHunkMutation {
  /** Core's ablation within the bound. */
  readonly ablation: Ablation;
  /** The necessary hunks (the ablation's). */
  readonly necessary: readonly string[];
  /** Every fix set that holds, in the ablation's order. */
  readonly holding: readonly (readonly string[])[];
  /** `upstream` without `h`, for each necessary hunk `h`: the brief of issue #11. */
  readonly necessaryMutants: readonly HunkMutant[];
  /**
   * Every single-hunk removal, from `upstream` or from a minimal sufficient fix set, that the
   * ablation says is violated; one per distinct fix set, the necessary ones first. A superset of
   * `necessaryMutants`, and not empty when some fix set holds and `buggy` does not, also for a
   * model in which no hunk is necessary (two alternative fixes, each enough alone).
   */
  readonly mutants: readonly HunkMutant[];
}

/**
 * Ablates the model within `bound` and lists the mutants its fixed-variant checks must catch.
 * Throws when the upstream variant itself does not hold within the bound (then no mutant means
 * anything).
 */
export function fixHunkMutation(model: AnyModel, bound: AblationBound = {}): FixHunkMutation {
  const ablation = ablate(model, bound);
  const key = (fixes: readonly string[]) => model.fixNames.filter((f) => fixes.includes(f)).join(',');
  const rows = new Map(ablation.rows.map((r) => [key(r.fixes), r]));
  // The fix is the upstream variant (the hunks as merged); the ablation's rows cover every toggle.
  const fixed = [...model.upstreamFixes];
  if (rows.get(key(fixed))?.verdict !== 'holds') {
    throw new Error(`fix-hunk mutation of '${model.name}': the upstream variant does not hold within the bound (${rows.get(key(fixed))?.failure ?? 'no row'})`);
  }
  const necessary = ablation.necessary;
  const mutants: HunkMutant[] = [];
  const seen = new Set<string>();
  const consider = (base: readonly string[], hunk: string): void => {
    const fixes = base.filter((f) => f !== hunk);
    const row = rows.get(key(fixes));
    if (!row || row.verdict !== 'violated' || seen.has(key(fixes))) return;
    seen.add(key(fixes));
    mutants.push({ hunk, base, baseVariant: variantLabel(model, base), fixes: row.fixes, variant: variantLabel(model, row.fixes), necessary: necessary.includes(hunk), failure: row.failure ?? 'violated' });
  };
  for (const h of necessary) consider(fixed, h);
  const necessaryMutants = [...mutants];
  for (const h of fixed) consider(fixed, h);
  for (const base of ablation.minimalSufficient) for (const h of base) consider(base, h);
  return { ablation, necessary, holding: ablation.rows.filter((r) => r.verdict === 'holds').map((r) => r.fixes), necessaryMutants, mutants };
}

/** `upstream` without each necessary hunk, within `bound` (see `fixHunkMutation`). */
export function necessaryHunkMutants(model: AnyModel, bound: AblationBound = {}): readonly HunkMutant[] {
  return fixHunkMutation(model, bound).necessaryMutants;
}

/** The fixes in every one of `holding`: the necessary hunks those fix sets imply. */
export function necessaryOf(fixNames: readonly string[], holding: readonly (readonly string[])[]): string[] {
  return holding.length ? fixNames.filter((f) => holding.every((h) => h.includes(f))) : [];
}

/** The variant's name for these fixes (see `variantName`: buggy, upstream, a proposal, all, or the list). */
export function variantLabel(model: AnyModel, fixes: readonly string[]): string {
  return variantName(model, fixes);
}

/** One check a model's suite runs on its fixed variant; `run` throws (a failed `expect`) when it fails. */
export interface VariantCheck {
  /** What the check is, as the suite names it (`exhaustive: ...`, `random: ...`). */
  readonly name: string;
  readonly run: (fixes: readonly string[]) => void;
}

/** The verdict of one check on one fix set. */
export interface CheckVerdict {
  readonly check: string;
  readonly passed: boolean;
  /** The first line of the error, when it failed. */
  readonly message?: string;
  readonly ms: number;
}

/**
 * Runs `checks` on `fixes` in order and says which failed. Stops at the first failure unless
 * `all` is set (a mutant needs only one check to catch it; `all` shows which ones would).
 */
export function runVariantChecks(checks: readonly VariantCheck[], fixes: readonly string[], options: { readonly all?: boolean } = {}): CheckVerdict[] {
  const out: CheckVerdict[] = [];
  for (const c of checks) {
    const start = performance.now();
    try {
      c.run(fixes);
      out.push({ check: c.name, passed: true, ms: Math.round(performance.now() - start) });
    } catch (e) {
      const message = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? '';
      out.push({ check: c.name, passed: false, message, ms: Math.round(performance.now() - start) });
      if (!options.all) break;
    }
  }
  return out;
}

/** The names of the checks that failed. */
export function caughtBy(verdicts: readonly CheckVerdict[]): string[] {
  return verdicts.filter((v) => !v.passed).map((v) => v.check);
}
