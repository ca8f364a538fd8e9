import { livenessScenarios, type AnyModel } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';
import { livenessReport, verdictWords, type LivenessReportRow } from '../report/liveness-report.js';
import type { ModelReport, VariantRow } from '../report/report-data.js';
import { MEMORY, verifyUpstream } from './report-upstream.js';

/** What a liveness row covered, in words. */
function livenessCovered(r: LivenessReportRow): string {
  return `${r.scenario}, every fair schedule (strong fairness), ${r.states} states, ${MEMORY}`;
}

/** The variant rows of liveness rows: the buggy variant must show a lasso, the upstream one must hold. */
export function livenessVariantRows(model: AnyModel, rows: readonly LivenessReportRow[]): VariantRow[] {
  return rows.map((r) => ({
    variant: `${r.variant} (liveness)`,
    role: r.variant === 'buggy' ? 'buggy-liveness' : 'upstream-liveness',
    fixes: r.variant === 'buggy' ? [] : model.upstreamFixes,
    expected: r.variant === 'buggy' ? 'livelock' : 'holds',
    result: r.verdict === 'violated' ? 'violated' : r.verdict,
    asExpected: r.asExpected,
    covered: livenessCovered(r),
  }));
}

/**
 * The main job for a model whose bug is a livelock (registry role `liveness`): no race to hunt in
 * the buggy variant, so no hunt and no ablation; the fair-lasso search on each liveness scenario
 * for buggy (a lasso expected) and upstream (none), and the upstream variant verified over the
 * catalogue (the fix must break no invariant).
 */
export function reportLivenessModel(model: AnyModel): ModelReport {
  const t0 = performance.now();
  const liveness = livenessReport(model);
  const livenessMs = Math.round(performance.now() - t0);
  const upstream = verifyUpstream(model);
  const variants: VariantRow[] = [...livenessVariantRows(model, liveness), upstream.row];
  return {
    name: model.name,
    role: 'liveness',
    title: model.title,
    summary: model.summary,
    hunt: { engine: 'liveness search', runs: liveness.length, ms: livenessMs },
    verify: upstream.verify,
    proposals: [],
    variants,
    liveness,
    ok: liveness.length > 0 && liveness.every((r) => r.asExpected) && upstream.verify.verdict === 'holds',
  };
}

/** A safety model's liveness rows, when it declares liveness scenarios (none: undefined). */
export function optionalLiveness(model: AnyModel): readonly LivenessReportRow[] | undefined {
  return livenessScenarios(model).length > 0 ? livenessReport(model) : undefined;
}

/** One line per liveness row, for the text report. */
export function livenessLines(rows: readonly LivenessReportRow[]): string[] {
  return rows.map((r) => `    ${r.variant.padEnd(9)} ${r.scenario}: ${verdictWords(r)} (${r.states} states)`);
}
