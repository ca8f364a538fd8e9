import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pc from 'picocolors';
import { renderHtmlReport } from '../report/html.js';
import type { Report } from '../report/report-data.js';
import { UsageError } from '../errors.js';
import { writeAtomically } from '../write-atomically.js';

/** Makes the report folder (before any work, so a bad --out fails fast); a failure is a `UsageError`. */
export function prepareReportDir(dir: string): string {
  const out = resolve(dir);
  try {
    mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create report folder ${dir}: ${(err as Error).message.split('\n')[0]}`);
  }
  return out;
}

/** Writes the HTML and JSON report into `dir`; returns their paths. */
export function writeReport(report: Report, dir: string, toJson: (value: unknown) => string = (v) => JSON.stringify(v, null, 2)): { html: string; json: string } {
  const out = prepareReportDir(dir);
  const html = join(out, 'kvmrace-report.html');
  const json = join(out, 'kvmrace-report.json');
  // Render both first, so a rendering failure leaves no file behind; then write each atomically.
  const jsonText = `${toJson(report)}\n`;
  const htmlText = renderHtmlReport(report);
  try {
    writeAtomically(json, jsonText);
    writeAtomically(html, htmlText);
  } catch (err) {
    throw new UsageError(`cannot write the report into ${dir}: ${(err as Error).message.split('\n')[0]}`);
  }
  return { html, json };
}

/** The report as text: one block per model and where the files are. */
export function reportText(report: Report, files: { html: string; json: string }): string {
  const lines: string[] = [];
  for (const m of report.models) {
    lines.push(pc.bold(`== ${m.name}: ${m.title}`) + `  ${m.ok ? pc.green('as expected') : pc.red('NOT as expected')}`);
    const cx = m.race;
    lines.push(cx ? `  buggy: race ${cx.outcome.invariant ?? cx.outcome.kind}, ${cx.threads} threads, ${cx.operations} operations, ${cx.preemptions} preemptions, ${cx.steps} steps (${m.hunt.engine}, ${m.hunt.runs} runs, ${m.hunt.ms} ms)` : `  buggy: ${pc.red('no race found')}`);
    if (cx) lines.push(`         replay: kvmrace replay ${cx.token}`);
    lines.push(`  fixed: ${m.verify.verdict === 'holds' ? pc.green('holds') : pc.red('violated')} (${m.verify.method}, ${m.verify.executions} executions, ${m.verify.ms} ms)`);
    for (const h of m.holes) lines.push(`  known hole in ${h.scenario}: ${h.confirmed ? `confirmed (${h.outcome})` : pc.red('not reproduced')}`);
    if (m.ablation) {
      lines.push('  ablation:');
      for (const row of m.ablation.rows) lines.push(`    ${row.verdict === 'holds' ? pc.green('holds   ') : pc.red('violated')}  ${row.fixes.length ? row.fixes.join(', ') : '(no fixes)'}${row.outcome ? `  ${row.outcome}` : ''}`);
      lines.push(`  necessary hunks: ${m.ablation.necessary.length ? m.ablation.necessary.join(', ') : 'none alone'} (${m.ablation.bound})`);
    }
    lines.push('');
  }
  lines.push(report.ok ? pc.green('every buggy variant raced and every fixed variant held') : pc.red('some model did not behave as expected (see above)'));
  lines.push(`report: ${files.html}`);
  lines.push(`json:   ${files.json}`);
  return lines.join('\n');
}
