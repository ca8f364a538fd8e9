import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderHtmlReport } from '../report/html.js';
import type { Report } from '../report/report-data.js';
import { UsageError } from '../errors.js';
import { folderProblem, outputFileProblem, writeAllOrNothing } from '../write-atomically.js';

/** The names of the report's files in its folder. */
export const REPORT_FILES = { html: 'kvmrace-report.html', json: 'kvmrace-report.json' } as const;

/**
 * Makes the report folder and checks that the report can be written there, before any work, so
 * that a bad --out fails fast: the folder is writable and nothing but a regular file is where a
 * report file goes. A problem is a one-line `UsageError`.
 */
export function prepareReportDir(dir: string): string {
  const out = resolve(dir);
  try {
    mkdirSync(out, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create report folder ${dir}: ${(err as Error).message.split('\n')[0]}`);
  }
  for (const name of Object.values(REPORT_FILES)) {
    const problem = outputFileProblem(join(out, name));
    if (problem !== undefined) throw new UsageError(`cannot write the report into ${dir}: ${name}: ${problem}`);
  }
  const problem = folderProblem(out);
  if (problem !== undefined) throw new UsageError(`cannot write the report into ${dir}: ${problem}`);
  return out;
}

/** Writes the HTML and JSON report into `dir` as one unit (both files or neither); returns their paths. */
export function writeReport(report: Report, dir: string, toJson: (value: unknown) => string = (v) => JSON.stringify(v, null, 2)): { html: string; json: string } {
  const out = prepareReportDir(dir);
  const html = join(out, REPORT_FILES.html);
  const json = join(out, REPORT_FILES.json);
  // Render both first, so a rendering failure leaves no file behind; then write them together.
  const jsonText = `${toJson(report)}\n`;
  const htmlText = renderHtmlReport(report);
  try {
    writeAllOrNothing([
      { path: json, text: jsonText },
      { path: html, text: htmlText },
    ]);
  } catch (err) {
    throw new UsageError(`cannot write the report into ${dir}: ${(err as Error).message.split('\n')[0]}`);
  }
  return { html, json };
}
