import type { AnyModel } from '../model.js';
import { variantName } from '../variant.js';
import { verify, type VerifyOptions } from './verify.js';

/** One subset of the fixes and its verdict. */
export interface AblationRow {
  /** Enabled fixes, in declaration order. */
  readonly fixes: readonly string[];
  /** Its variant name (`variantName`: buggy, upstream, a proposal, all, or the list). */
  readonly variant: string;
  readonly verdict: 'holds' | 'violated';
  readonly executions: number;
  readonly redundant: number;
  readonly ms: number;
  /** For a violated row: the failing outcome's kind and invariant. */
  readonly failure?: string;
}

/** Every subset of a model's fixes, verified. */
export interface Ablation {
  /** One row per subset, from no fixes to all, by size then declaration order. */
  readonly rows: readonly AblationRow[];
  /** Fixes in every subset that holds: without any one of them the invariants break. */
  readonly necessary: readonly string[];
  /** The smallest subsets that hold (no holding subset inside them). */
  readonly minimalSufficient: readonly (readonly string[])[];
}

/** Options of `ablate`: the bound of each verification, and which toggles to take subsets of. */
export interface AblateOptions extends Omit<VerifyOptions, 'fixes' | 'minimal' | 'shard'> {
  /** The toggles whose every subset is verified (default: all of the model's fixes). */
  readonly toggles?: readonly string[];
}

/**
 * Verifies every subset of the model's fix toggles, or of `toggles` (2^k verifications), and says
 * which hunks are necessary: a hunk is necessary when every subset that holds contains it.
 */
export function ablate(model: AnyModel, ablateOptions: AblateOptions = {}): Ablation {
  const { toggles, ...options } = ablateOptions;
  const names = toggles ? model.fixNames.filter((f) => toggles.includes(f)) : model.fixNames;
  if (names.length > 12) throw new RangeError(`model '${model.name}' has ${names.length} fixes; ablation tries 2^k subsets, at most 2^12`);
  const masks = Array.from({ length: 1 << names.length }, (_, m) => m).sort((a, b) => popcount(a) - popcount(b) || a - b);
  const rows: AblationRow[] = masks.map((mask) => {
    const fixes = names.filter((_, i) => (mask >> i) & 1);
    const r = verify(model, { ...options, fixes });
    const o = r.counterexample?.outcome;
    return {
      fixes,
      variant: variantName(model, fixes),
      verdict: r.verdict,
      executions: r.executions,
      redundant: r.redundant,
      ms: r.ms,
      ...(o ? { failure: o.invariant ? `${o.kind} ${o.invariant}` : o.kind } : {}),
    };
  });
  const holding = rows.filter((r) => r.verdict === 'holds').map((r) => r.fixes);
  const necessary = holding.length ? names.filter((f) => holding.every((h) => h.includes(f))) : [];
  const minimalSufficient = holding.filter((h) => !holding.some((g) => g !== h && g.length < h.length && g.every((f) => h.includes(f))));
  return { rows, necessary, minimalSufficient };
}

function popcount(m: number): number {
  let n = 0;
  for (; m; m &= m - 1) n++;
  return n;
}
