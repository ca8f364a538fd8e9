import { UsageError } from '../errors.js';
import { formatScenario, livenessScenarios, livenessSearch, renderLassoTable, resolveVariant, type AnyModel, type Fairness, type Lasso, type LivenessResult } from '@kvmrace/core';

/** What `verify --liveness` found over a model's liveness scenarios. */
export interface LivenessReport {
  readonly model: string;
  readonly variant: string;
  readonly fairness: Fairness;
  /** One entry per liveness scenario, in the model's order. */
  readonly scenarios: ReadonlyArray<{ readonly name: string; readonly scenario: string; readonly endless: readonly number[]; readonly result: LivenessResult }>;
}

/**
 * Runs the liveness search on every liveness scenario of the model (see `withLivenessScenarios`);
 * a model without any is refused (nothing would be covered).
 */
export function runLiveness(model: AnyModel, variant: string, fairness: Fairness = 'strong', maxStates?: number): LivenessReport {
  const scenarios = livenessScenarios(model);
  if (scenarios.length === 0) throw new UsageError(`model '${model.name}' declares no liveness scenarios (scenarios with endless threads): nothing to check`);
  const resolved = resolveVariant(model, variant);
  const fixes = new Set(resolved.fixes);
  return {
    model: model.name,
    variant: resolved.name,
    fairness,
    scenarios: scenarios.map((s) => ({
      name: s.name,
      scenario: formatScenario(s.threads),
      endless: s.endless,
      result: livenessSearch(model, fixes, s.threads, { endless: s.endless, fairness, ...(maxStates !== undefined ? { maxStates } : {}) }),
    })),
  };
}

/** Exit status: 0 when every scenario holds, 1 otherwise (a livelock, a failure, or undecided). */
export function livenessHolds(report: LivenessReport): boolean {
  return report.scenarios.every((s) => s.result.verdict === 'holds');
}

/** The report as text: one line per scenario, then each lasso as a folded table. */
export function livenessText(report: LivenessReport, width?: number): string {
  const out: string[] = [`${report.model} (${report.variant}): liveness under ${report.fairness} fairness`];
  for (const s of report.scenarios) {
    const r = s.result;
    const what = r.lasso?.message ?? r.failure?.outcome.message ?? (r.verdict === 'holds' ? 'every fair run completes every operation of the threads that are not endless' : `not decided within ${r.states} states`);
    out.push(`  ${s.name}: ${r.verdict} (${r.states} states, ${r.edges} edges): ${what}`);
  }
  for (const s of report.scenarios) {
    if (s.result.lasso) out.push('', renderLassoTable(report.model, report.variant, s.result.lasso, width !== undefined ? { width } : {}));
  }
  return out.join('\n');
}

/** The report as JSON data: verdicts, counts, and each lasso's stem, cycle and trace. */
export function livenessJson(report: LivenessReport): unknown {
  return {
    model: report.model,
    variant: report.variant,
    fairness: report.fairness,
    verdict: livenessHolds(report) ? 'holds' : report.scenarios.some((s) => s.result.verdict === 'livelock') ? 'livelock' : report.scenarios.some((s) => s.result.verdict === 'violated') ? 'violated' : 'bound-reached',
    scenarios: report.scenarios.map((s) => ({
      name: s.name,
      scenario: s.scenario,
      endless: s.endless,
      verdict: s.result.verdict,
      states: s.result.states,
      edges: s.result.edges,
      spurious: s.result.spurious,
      ...(s.result.failure ? { failure: s.result.failure } : {}),
      ...(s.result.lasso
        ? { lasso: lassoJson(s.result.lasso) }
        : {}),
    })),
  };
}

/** A lasso in JSON (see README: keep these names): who starves, the stem and cycle, the trace. */
export function lassoJson(lasso: Lasso): Record<string, unknown> {
  return { starving: lasso.starving, stem: lasso.stem, cycle: lasso.cycle, repeats: lasso.repeats, message: lasso.message, trace: lasso.trace };
}
