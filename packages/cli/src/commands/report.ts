import { ablate, verify, verifyEngineFor, type AnyModel, type NamedScenario } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';
import type { ModelReport, Report } from '../report/report-data.js';

/** Options of `kvmrace report`. */
export interface ReportOptions {
  /** Seed of the fast-check hunts. */
  readonly seed: number;
  /** fast-check runs per hunt at most. */
  readonly runs: number;
  /** Also verify every subset of the fixes (2^k verifications). */
  readonly ablation: boolean;
  /** Preemption bound of the ablation's searches (default 2: every subset in about a second). */
  readonly ablationPreemptions?: number;
  /** Told when a model starts and which phase runs. */
  readonly onPhase?: (model: string, phase: 'hunt' | 'verify' | 'ablate', index: number, total: number) => void;
}

/** Catalogue scenarios the fixed variant must hold in (those without a known hole). */
export function fixedScenarios(model: AnyModel): NamedScenario[] {
  return model.scenarios.catalogue.filter((s) => !s.fixedBreaks);
}

/** Catalogue scenarios where the fixed variant is known to break, with why. */
export function knownHoles(model: AnyModel): NamedScenario[] {
  return model.scenarios.catalogue.filter((s) => s.fixedBreaks);
}

/**
 * The main job for one model: the buggy race found by fast-check and shrunk to the minimum, the
 * fixed variant verified exhaustively (DPOR) over its catalogue, the known holes confirmed, and
 * every subset of the fix hunks verified.
 */
export async function reportModel(model: AnyModel, options: ReportOptions, index = 0, total = 1): Promise<ModelReport> {
  options.onPhase?.(model.name, 'hunt', index, total);
  const { findMinimalRace } = await import('@kvmrace/properties');
  const race = findMinimalRace(model, { variant: 'buggy', seed: options.seed, numRuns: options.runs });
  options.onPhase?.(model.name, 'verify', index, total);
  const t0 = performance.now();
  const fixed = verify(model, { fixes: model.fixNames, scenarios: fixedScenarios(model).map((s) => s.threads) });
  const holes = knownHoles(model).map((s) => {
    const r = verify(model, { fixes: model.fixNames, scenarios: [s.threads] });
    return { scenario: s.name, why: s.fixedBreaks ?? '', confirmed: r.verdict === 'violated', outcome: r.counterexample?.outcome };
  });
  const verifyMs = Math.round(performance.now() - t0);
  let ablation: ModelReport['ablation'];
  if (options.ablation && model.fixNames.length > 0) {
    options.onPhase?.(model.name, 'ablate', index, total);
    const bound = options.ablationPreemptions ?? 2;
    const a = ablate(model, { preemptions: bound });
    ablation = {
      fixes: model.fixNames,
      rows: a.rows.map((r) => ({ fixes: r.fixes, verdict: r.verdict, ...(r.failure ? { outcome: r.failure } : {}) })),
      necessary: a.necessary,
      bound: `every interleaving of the catalogue${holes.length ? ` (its ${holes.length} known holes of the fixed variant included, so the full fix set is violated there)` : ''} with at most ${bound} preemptions`,
    };
  }
  const ok = race.found && fixed.verdict === 'holds' && holes.every((h) => h.confirmed);
  return {
    name: model.name,
    title: model.title,
    summary: model.summary,
    ...(race.counterexample ? { race: race.counterexample } : {}),
    hunt: { engine: 'fast-check', runs: race.runs, ms: Math.round(race.msToFind + race.msToShrink + race.msToMinimise) },
    verify: {
      verdict: fixed.verdict,
      method: `${verifyEngineFor(model) === 'stateful' ? 'stateful search' : 'DPOR'} over ${fixed.scenarios} catalogue scenarios, every interleaving`,
      executions: fixed.executions,
      ms: verifyMs,
      ...(fixed.counterexample ? { counterexample: fixed.counterexample } : {}),
    },
    holes: holes.map((h) => ({ scenario: h.scenario, why: h.why, confirmed: h.confirmed, ...(h.outcome ? { outcome: h.outcome.invariant ? `${h.outcome.kind} ${h.outcome.invariant}` : h.outcome.kind } : {}) })),
    ...(ablation ? { ablation } : {}),
    ok,
  };
}

/** The main job over every model. */
export async function runReport(models: readonly AnyModel[], options: ReportOptions): Promise<Report> {
  const reports: ModelReport[] = [];
  for (const [i, m] of models.entries()) reports.push(await reportModel(m, options, i, models.length));
  return { version: 1, seed: options.seed, models: reports, ok: reports.every((r) => r.ok) };
}
