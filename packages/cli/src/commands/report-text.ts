import { formatScenario, plural, type Counterexample } from '@kvmrace/core';
import pc from 'picocolors';
import type { ModelReport, Report } from '../report/report-data.js';
import { verdictWords } from '../report/liveness-report.js';
import { livenessLines } from './report-liveness.js';

/** The report as text: one block per model and where the files are. */
export function reportText(report: Report, files: { html: string; json: string }): string {
  const lines: string[] = [];
  for (const m of report.models) {
    lines.push(pc.bold(`== ${m.name}: ${m.title}`) + `  ${m.ok ? pc.green('as expected') : pc.red('NOT as expected')}`);
    if (m.role === 'liveness') {
      lines.push(...livenessModelLines(m), '');
      continue;
    }
    const cx = m.race;
    lines.push(cx ? `  buggy:    race ${cx.outcome.invariant ?? cx.outcome.kind}, ${shape(cx)} (${m.hunt.engine}, ${m.hunt.runs} runs, ${m.hunt.ms} ms)` : `  buggy:    ${pc.red('no race found')}`);
    if (cx) lines.push(`            replay: kvmrace replay ${cx.token}`);
    lines.push(`  upstream: ${m.verify.verdict === 'holds' ? pc.green('holds') : pc.red('violated')} (${m.verify.method}, ${m.verify.executions} executions, ${m.verify.ms} ms)`);
    for (const p of m.proposals) {
      const cxp = p.counterexample;
      lines.push(`  proposal ${p.name} (${p.source}): ${p.verdict === 'holds' ? pc.green('holds') : pc.yellow('races')} (${p.executions} executions, ${p.ms} ms)`);
      if (cxp) {
        lines.push(`    finding: ${cxp.outcome.invariant ?? cxp.outcome.kind} in ${formatScenario(cxp.scenario)}, ${shape(cxp)}`);
        lines.push(`    replay: kvmrace replay ${cxp.token}`);
      }
    }
    lines.push('  variants:');
    for (const v of m.variants) lines.push(`    ${v.variant.padEnd(12)} expected ${v.expected.padEnd(6)}  ${v.asExpected ? pc.green(v.result) : pc.red(v.result)}  (${v.covered})`);
    if (m.ablation) {
      lines.push('  ablation:');
      for (const row of m.ablation.rows) lines.push(`    ${row.verdict === 'holds' ? pc.green('holds   ') : pc.red('violated')}  ${row.fixes.length ? row.fixes.join(', ') : '(no fixes)'}${row.outcome ? `  ${row.outcome}` : ''}`);
      lines.push(`  necessary hunks: ${m.ablation.necessary.length ? m.ablation.necessary.join(', ') : 'none alone'} (${m.ablation.bound})`);
    }
    const mem = m.memory;
    if (mem) {
      lines.push(`  under lkmm: upstream ${mem.upstream.verdict === 'holds' ? pc.green('holds') : pc.red('violated')} (${mem.upstream.executions} executions, ${mem.upstream.distinct} distinct graphs, ${mem.ms} ms)`);
      if (mem.buggy) lines.push(`    buggy: ${shape(mem.buggy.race)}, ${plural(mem.buggy.race.weak?.weakEdges ?? 0, 'weak edge')}${mem.buggy.scAlso ? '' : ' (needs weak memory)'}`);
      const width = Math.max(...mem.barriers.map((b) => b.barrier.length));
      for (const b of mem.barriers) lines.push(`    ${b.barrier.padEnd(width)}  lkmm ${b.lkmm === 'needed' ? pc.yellow('needed    ') : 'not needed'}  tso ${b.tso}${b.race ? `  race: ${shape(b.race)}` : ''}`);
      for (const p of mem.pairs) lines.push(`    pair ${p.barriers.join(' + ')}: ${p.lkmm}`);
    }
    if (m.liveness) lines.push('  liveness (strong fairness):', ...livenessLines(m.liveness));
    lines.push('');
  }
  const livelocks = report.models.some((m) => m.role === 'liveness');
  lines.push(report.ok ? pc.green(`every buggy variant ${livelocks ? 'raced or livelocked' : 'raced'} and every upstream variant held`) : pc.red('some model did not behave as expected (see above)'));
  lines.push(`report: ${files.html}`);
  lines.push(`json:   ${files.json}`);
  return lines.join('\n');
}

/** A liveness model's block: the buggy lasso, the upstream verdicts, how to see the lasso. */
function livenessModelLines(m: ModelReport): string[] {
  const rows = m.liveness ?? [];
  const lines: string[] = [];
  for (const r of rows) {
    const words = verdictWords(r);
    lines.push(`  ${`${r.variant}:`.padEnd(10)}${r.asExpected ? pc.green(words) : pc.red(words)} on ${r.scenario} (liveness search, strong fairness, ${r.states} states)`);
  }
  lines.push(`  upstream: ${m.verify.verdict === 'holds' ? pc.green('holds') : pc.red('violated')} over the catalogue (${m.verify.method}, ${m.verify.executions} executions, ${m.verify.ms} ms)`);
  lines.push(`  no race hunted (the bug is a livelock; liveness searches ${m.hunt.ms} ms); the folded lasso: kvmrace verify ${m.name} --liveness --variant buggy`);
  return lines;
}

/** `2 threads, 2 operations, 1 preemption, 20 steps`. */
function shape(cx: Counterexample): string {
  return `${plural(cx.threads, 'thread')}, ${plural(cx.operations, 'operation')}, ${plural(cx.preemptions, 'preemption')}, ${plural(cx.steps, 'step')}`;
}
