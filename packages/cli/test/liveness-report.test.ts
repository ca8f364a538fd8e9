import { describe, expect, it } from 'vitest';
import { pfncacheRetry } from '@kvmrace/pfncache';
import { livenessMarkdown, livenessReport } from '../src/report/liveness-report.js';
import { renderHtmlReport } from '../src/report/html.js';
import type { ModelReport } from '../src/report/report-data.js';

describe('report: liveness rows of pfncache-retry', () => {
  const rows = livenessReport(pfncacheRetry);

  it('buggy: a lasso found; upstream: holds under fairness', () => {
    const buggy = rows.find((r) => r.variant === 'buggy')!;
    const upstream = rows.find((r) => r.variant === 'upstream')!;
    expect(buggy.verdict).toBe('livelock');
    expect(buggy.lasso!.starving).toEqual([0]);
    expect(upstream.verdict).toBe('holds');
    expect(upstream.lasso).toBeUndefined();
    expect(rows.every((r) => r.asExpected)).toBe(true);
  });

  it('in Markdown and HTML', () => {
    const md = livenessMarkdown(rows);
    expect(md).toMatch(/\| buggy \| refresh-vs-endless-invalidate-other: .* \| lasso found: stem \d+, cycle \d+ steps \|/);
    expect(md).toMatch(/\| upstream \| .* \| holds under fairness \|/);
    const model = { name: 'pfncache-retry', role: 'liveness', title: 't', summary: 's', hunt: { engine: 'x', runs: 0, ms: 0 }, verify: { verdict: 'holds', method: 'm', executions: 0, ms: 0 }, proposals: [], variants: [], liveness: rows, ok: true } as ModelReport;
    const html = renderHtmlReport({ version: 2, seed: 1, models: [model], ok: true });
    expect(html).toContain('Liveness under strong fairness');
    expect(html).toMatch(/data-variant="buggy"><td>buggy<\/td><td>[^<]*<\/td><td class="ok">lasso found/);
    expect(html).toContain('holds under fairness');
    expect(html).toContain('data-lasso="buggy"');
    expect(html).toContain('repeats for ever');
  });
});
