import { formatScenario, livenessScenarios, livenessSearch, resolveVariant, type AnyModel, type Lasso, type LivenessResult } from '@kvmrace/core';

/** One variant on one liveness scenario (endless threads), under strong fairness. */
export interface LivenessReportRow {
  readonly variant: 'buggy' | 'upstream';
  readonly scenario: string;
  readonly verdict: LivenessResult['verdict'];
  /** What the job expects: a lasso on buggy, holds on upstream. */
  readonly asExpected: boolean;
  readonly states: number;
  readonly lasso?: Lasso;
}

/**
 * The model's liveness rows (empty for a model without liveness scenarios): the buggy variant
 * should show a fair lasso, the upstream one should hold under fairness.
 */
export function livenessReport(model: AnyModel): LivenessReportRow[] {
  const rows: LivenessReportRow[] = [];
  for (const s of livenessScenarios(model)) {
    for (const variant of ['buggy', 'upstream'] as const) {
      const r = livenessSearch(model, new Set(resolveVariant(model, variant).fixes), s.threads, { endless: s.endless });
      rows.push({
        variant,
        scenario: `${s.name}: ${formatScenario(s.threads)}`,
        verdict: r.verdict,
        asExpected: r.verdict === (variant === 'buggy' ? 'livelock' : 'holds'),
        states: r.states,
        ...(r.lasso ? { lasso: r.lasso } : {}),
      });
    }
  }
  return rows;
}

/** The rows as Markdown: a table, each lasso's line below it. */
export function livenessMarkdown(rows: readonly LivenessReportRow[]): string {
  const lines = ['| variant | scenario | liveness (strong fairness) | states | as expected |', '|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.variant} | ${r.scenario} | ${verdictWords(r)} | ${r.states} | ${r.asExpected ? 'yes' : 'no'} |`);
  return lines.join('\n');
}

export function verdictWords(r: LivenessReportRow): string {
  if (r.lasso) return `lasso found: stem ${r.lasso.stem.length}, cycle ${r.lasso.cycle.length} steps`;
  return r.verdict === 'holds' ? 'holds under fairness' : r.verdict;
}
