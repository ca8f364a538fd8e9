import { ablate, type Ablation, type AnyModel, type Variant } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';

/** One ablation with its timing. */
export interface AblateReport {
  readonly model: AnyModel;
  /** The variant whose toggles were ablated. */
  readonly variant: Variant;
  readonly ablation: Ablation;
  readonly ms: number;
}

/** Verifies every subset of the variant's fixes. */
export function runAblate(model: AnyModel, variant: Variant, preemptions?: number): AblateReport {
  const start = performance.now();
  const ablation = ablate(model, { toggles: variant.fixes, ...(preemptions !== undefined ? { preemptions } : {}) });
  return { model, variant, ablation, ms: Math.round(performance.now() - start) };
}

/** The stable JSON of an ablation. */
export function ablateJson(r: AblateReport): Record<string, unknown> {
  return {
    model: r.model.name,
    variant: r.variant.name,
    fixes: r.variant.fixes,
    rows: r.ablation.rows,
    necessary: r.ablation.necessary,
    minimalSufficient: r.ablation.minimalSufficient,
    ms: r.ms,
  };
}

/** A table: one row per subset, a column per fix, the verdict; then the necessary hunks. */
export function ablateText(r: AblateReport): string {
  const fixes = r.variant.fixes;
  const rows = [[...fixes, 'verdict', 'failure', 'executions']];
  for (const row of r.ablation.rows) {
    rows.push([...fixes.map((f) => (row.fixes.includes(f) ? 'x' : '-')), row.verdict, row.failure ?? '', String(row.executions)]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const a = r.ablation;
  const necessary = a.necessary.length ? a.necessary.join(', ') : a.minimalSufficient.length ? 'none alone (see the smallest sufficient sets)' : 'none: no subset holds';
  const sufficient = a.minimalSufficient.map((s) => (s.length ? s.join(' + ') : '(no fix needed)')).join('; ') || 'none';
  return [`ablation of ${r.model.name} (${r.variant.name}): ${fixes.length} ${fixes.length === 1 ? 'fix' : 'fixes'}, ${a.rows.length} subsets, ${r.ms} ms`, '', ...lines, '', `necessary: ${necessary}`, `smallest sufficient: ${sufficient}`].join('\n');
}
