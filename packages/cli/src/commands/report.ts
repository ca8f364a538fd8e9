import { ablate, livenessScenarios, verify, type AnyModel } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';
import type { ModelReport, ProposalReport, Report, VariantRow } from '../report/report-data.js';
import { memoryReport } from '../report/memory-report.js';
import { modelRole } from '../registry.js';
import { livenessVariantRows, optionalLiveness, reportLivenessModel } from './report-liveness.js';
import { MEMORY, verifyUpstream } from './report-upstream.js';

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
  /** Also the LKMM checks of models with barrier toggles (default true). */
  readonly memory?: boolean;
  /** Told when a model starts and which phase runs. */
  readonly onPhase?: (model: string, phase: ReportPhase, index: number, total: number) => void;
}

/** The phases of one model in the report, in order (a liveness model has only the last). */
export const REPORT_PHASES = ['hunt', 'verify', 'ablate', 'lkmm', 'liveness'] as const;
export type ReportPhase = (typeof REPORT_PHASES)[number];


/**
 * The main job for one model: the buggy race found by fast-check and shrunk to the minimum, the
 * upstream variant verified exhaustively over the whole catalogue, each proposal verified over the
 * same catalogue (holds, or its smallest race as a finding), and every subset of the fix toggles
 * verified; and the liveness rows of a model with liveness scenarios. A model whose bug is a
 * livelock (role `liveness`) gets the liveness rows and the upstream verification only.
 */
export async function reportModel(model: AnyModel, options: ReportOptions, index = 0, total = 1): Promise<ModelReport> {
  if (modelRole(model) === 'liveness') {
    options.onPhase?.(model.name, 'liveness', index, total);
    return reportLivenessModel(model);
  }
  options.onPhase?.(model.name, 'hunt', index, total);
  const { findMinimalRace } = await import('@kvmrace/properties');
  const race = findMinimalRace(model, { variant: 'buggy', seed: options.seed, numRuns: options.runs });
  options.onPhase?.(model.name, 'verify', index, total);
  const { verify: upstream, row: upstreamRow, method, catalogue } = verifyUpstream(model);
  const proposals: ProposalReport[] = Object.entries(model.proposals ?? {}).map(([name, p]) => {
    const t = performance.now();
    const fixes = model.fixNames.filter((f) => p.fixes.includes(f));
    const r = verify(model, { fixes, scenarios: catalogue, minimal: true });
    return {
      name,
      source: p.source,
      summary: p.summary,
      fixes,
      verdict: r.verdict === 'holds' ? 'holds' : 'races',
      method,
      scenarios: r.scenarios,
      executions: r.executions,
      ms: Math.round(performance.now() - t),
      ...(r.counterexample ? { counterexample: r.counterexample } : {}),
    };
  });
  let ablation: ModelReport['ablation'];
  if (options.ablation && model.fixNames.length > 0) {
    options.onPhase?.(model.name, 'ablate', index, total);
    const bound = options.ablationPreemptions ?? 2;
    const a = ablate(model, { preemptions: bound });
    ablation = {
      fixes: model.fixNames,
      rows: a.rows.map((r) => ({ fixes: r.fixes, verdict: r.verdict, ...(r.failure ? { outcome: r.failure } : {}) })),
      necessary: a.necessary,
      bound: `every subset of the ${model.fixNames.length === 1 ? 'one toggle' : `${model.fixNames.length} toggles`}${model.proposals ? ", the proposals' included" : ''}; every interleaving of the catalogue with at most ${bound} preemptions, ${MEMORY}`,
    };
  }
  let memory: ModelReport['memory'];
  if (options.memory !== false) {
    options.onPhase?.(model.name, 'lkmm', index, total);
    memory = memoryReport(model, race.counterexample?.scenario);
  }
  if (livenessScenarios(model).length > 0) options.onPhase?.(model.name, 'liveness', index, total);
  const liveness = optionalLiveness(model);
  const variants: VariantRow[] = [
    {
      variant: 'buggy',
      role: 'buggy',
      fixes: [],
      expected: 'race',
      result: race.found ? 'race found' : 'no race found',
      asExpected: race.found,
      covered: `fast-check, ${race.runs} runs, generated scenarios, ${MEMORY}`,
    },
    upstreamRow,
    ...proposals.map(
      (p): VariantRow => ({
        variant: p.name,
        role: 'proposal',
        fixes: p.fixes,
        expected: 'either',
        result: p.verdict,
        asExpected: true,
        covered: `${p.scenarios} scenarios, ${p.executions} executions, every interleaving, ${MEMORY}`,
      }),
    ),
    ...(memory
      ? [
          {
            variant: 'upstream under lkmm',
            role: 'upstream-lkmm',
            fixes: model.upstreamFixes,
            expected: 'holds',
            result: memory.upstream.verdict,
            asExpected: memory.upstream.verdict === 'holds',
            covered: `${memory.upstream.executions} executions (${memory.upstream.distinct} distinct graphs), ${memory.bound}`,
          } satisfies VariantRow,
        ]
      : []),
    ...(liveness ? livenessVariantRows(model, liveness) : []),
  ];
  const ok = race.found && upstream.verdict === 'holds' && (memory === undefined || memory.upstream.verdict === 'holds') && (liveness ?? []).every((r) => r.asExpected);
  return {
    name: model.name,
    role: 'safety',
    title: model.title,
    summary: model.summary,
    ...(race.counterexample ? { race: race.counterexample } : {}),
    hunt: { engine: 'fast-check', runs: race.runs, ms: Math.round(race.msToFind + race.msToShrink + race.msToMinimise) },
    verify: upstream,
    proposals,
    variants,
    ...(ablation ? { ablation } : {}),
    ...(memory ? { memory } : {}),
    ...(liveness ? { liveness } : {}),
    ok,
  };
}

/** The main job over every model. */
export async function runReport(models: readonly AnyModel[], options: ReportOptions): Promise<Report> {
  const reports: ModelReport[] = [];
  for (const [i, m] of models.entries()) reports.push(await reportModel(m, options, i, models.length));
  return { version: 2, seed: options.seed, models: reports, ok: reports.every((r) => r.ok) };
}
