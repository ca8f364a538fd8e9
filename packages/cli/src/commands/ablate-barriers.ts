import { MEMORY_TITLES, plural, renderRaceTable, resolveVariant, ablateBarriers, type AnyModel, type BarrierAblation, type BarrierVerdict, type RaceTableOptions } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';

/** One barrier ablation with its model, variant and timing. */
export interface BarrierAblateReport {
  readonly model: AnyModel;
  readonly variant: string;
  readonly ablation: BarrierAblation;
  readonly ms: number;
}

/** Runs `ablate --barriers` in this process. */
export function runBarrierAblation(model: AnyModel, variantSpec: string, memory: 'tso' | 'lkmm', onProgress?: (done: number, total: number) => void): BarrierAblateReport {
  const start = performance.now();
  const variant = resolveVariant(model, variantSpec);
  const ablation = ablateBarriers(model, { fixes: variant.fixes, memory, ...(onProgress ? { onProgress } : {}) });
  return { model, variant: variant.name, ablation, ms: Math.round(performance.now() - start) };
}

const verdictJson = (v: BarrierVerdict): Record<string, unknown> => ({
  verdict: v.verdict,
  executions: v.executions,
  ...(v.counterexample ? { token: v.counterexample.token, weakEdges: v.counterexample.weak?.weakEdges ?? 0, outcome: v.counterexample.outcome, steps: v.counterexample.steps, preemptions: v.counterexample.preemptions } : {}),
});

/** The stable JSON of a barrier ablation. */
export function barrierAblationJson(r: BarrierAblateReport): Record<string, unknown> {
  const a = r.ablation;
  return {
    model: r.model.name,
    variant: r.variant,
    memory: a.memory,
    scenarios: a.scenarios,
    baseline: { verdict: a.baseline.verdict, executions: a.baseline.executions, ...(a.baseline.counterexample ? { token: a.baseline.counterexample.token } : {}) },
    barriers: a.rows.map((row) => ({ barrier: row.barrier, from: row.from, pairsWith: row.pairsWith, [a.memory]: verdictJson(row.memory), tso: verdictJson(row.tso) })),
    pairs: a.pairs.map((p) => ({ barriers: p.barriers, [a.memory]: verdictJson(p.memory) })),
    ms: r.ms,
  };
}

/** A table of the barriers, then each needed barrier's race (its reads-from edges in the labels). */
export function barrierAblationText(r: BarrierAblateReport, table: RaceTableOptions = {}): string {
  const a = r.ablation;
  const head = `barrier ablation of ${r.model.name} (${r.variant}) under ${a.memory} (${MEMORY_TITLES[a.memory]}): ${plural(a.rows.length, 'barrier')}, ${plural(a.scenarios, 'scenario')} (the catalogue), every interleaving with every reads-from and coherence choice, ${r.ms} ms`;
  if (a.rows.length === 0) return `${head}\nthe model has no barrier toggles (declare them in its barriers, or use a primitive that has some)`;
  const baseline = a.baseline.verdict === 'holds' ? `with every barrier: holds (${plural(a.baseline.executions, 'execution')})` : `with every barrier: VIOLATED (the model fails under ${a.memory} even so: ${a.baseline.counterexample?.outcome.message ?? ''}); the rows below say little`;
  const rows = [['barrier', 'pairs with', a.memory, 'tso (x86)', 'race without it']];
  for (const row of a.rows) {
    const cx = row.memory.counterexample;
    rows.push([row.barrier, row.pairsWith.join(', ') || '-', row.memory.verdict, row.tso.verdict, cx ? `${plural(cx.steps, 'step')}, ${plural(cx.weak?.weakEdges ?? 0, 'weak edge')}` : 'none within the bound']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const lines = rows.map((row) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const pairs = a.pairs.map((p) => `  ${p.barriers.join(' + ')}: ${p.memory.verdict}`);
  const races = a.rows.flatMap((row) => (row.memory.counterexample ? ['', `without ${row.barrier}:`, renderRaceTable(r.model.name, r.variant, row.memory.counterexample, table), `replay: kvmrace replay ${row.memory.counterexample.token}`] : []));
  const needed = a.rows.filter((row) => row.memory.verdict === 'needed').map((row) => row.barrier);
  return [
    head,
    baseline,
    '',
    ...lines,
    ...(pairs.length ? ['', 'paired barriers, both off:', ...pairs] : []),
    '',
    `needed under ${a.memory}: ${needed.length ? needed.join(', ') : 'none within the bound'}`,
    ...races,
  ].join('\n');
}
