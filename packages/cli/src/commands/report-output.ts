import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
