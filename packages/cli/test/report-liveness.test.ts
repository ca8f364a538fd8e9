import { pfncache, pfncacheRetry } from '@kvmrace/pfncache';
import { describe, expect, it } from 'vitest';
import { reportLivenessModel } from '../src/commands/report-liveness.js';
import { reportText } from '../src/commands/report-text.js';
import { runReport } from '../src/commands/report.js';
import { renderHtmlReport } from '../src/report/html.js';
import { builtinModels, modelRole, safetyModels } from '../src/registry.js';

// Issue 22: the main job shows the liveness rows of a model whose bug is a livelock, and does not
// hunt it for a race it does not have.

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

describe('report: a liveness-only model (pfncache-retry)', () => {
  it('is registered with the liveness role, and left out of the hunts for a race', () => {
    expect(builtinModels.map((m) => m.name)).toContain('pfncache-retry');
    expect(modelRole(pfncacheRetry)).toBe('liveness');
    expect(modelRole(pfncache)).toBe('safety');
    expect(safetyModels(builtinModels).map((m) => m.name)).not.toContain('pfncache-retry');
    expect(safetyModels(builtinModels)).toHaveLength(builtinModels.length - 1);
  });

  it('runs only the liveness phase: buggy a lasso, upstream holds under fairness and over the catalogue', async () => {
    const phases: string[] = [];
    const report = await runReport([pfncacheRetry], { seed: 1, runs: 100, ablation: true, onPhase: (m, p) => phases.push(`${m}:${p}`) });
    expect(phases).toEqual(['pfncache-retry:liveness']);
    expect(report.ok).toBe(true);
    const m = report.models[0]!;
    expect(m.role).toBe('liveness');
    expect(m.race).toBeUndefined();
    expect(m.ablation).toBeUndefined();
    expect(m.variants.map((v) => [v.variant, v.role, v.expected, v.result, v.asExpected])).toEqual([
      ['buggy (liveness)', 'buggy-liveness', 'livelock', 'livelock', true],
      ['upstream (liveness)', 'upstream-liveness', 'holds', 'holds', true],
      ['upstream', 'upstream', 'holds', 'holds', true],
    ]);
    expect(m.liveness?.find((r) => r.variant === 'buggy')?.lasso?.starving).toEqual([0]);
    // The JSON is the report as it is: the lasso is in it.
    const json = JSON.parse(JSON.stringify(report)) as { models: Array<{ liveness: Array<{ variant: string; lasso?: { stem: unknown[]; cycle: unknown[] } }> }> };
    expect(json.models[0]!.liveness[0]!.lasso!.cycle.length).toBeGreaterThan(0);

    const text = strip(reportText(report, { html: 'r.html', json: 'r.json' }));
    expect(text).toMatch(/^ {2}buggy: +lasso found: stem \d+, cycle \d+ steps on refresh-vs-endless-invalidate-other: \[refresh\] \| \[invalidate_other\] \(liveness search, strong fairness, \d+ states\)$/m);
    expect(text).toMatch(/^ {2}upstream: +holds under fairness on refresh-vs-endless-invalidate-other/m);
    expect(text).toMatch(/^ {2}upstream: holds over the catalogue \(stateful search over 3 catalogue scenarios/m);
    expect(text).toContain('kvmrace verify pfncache-retry --liveness --variant buggy');
    expect(text).not.toContain('no race found');
    expect(text).toContain('every buggy variant raced or livelocked and every upstream variant held');

    const html = renderHtmlReport(report);
    expect(html).toContain('Liveness under strong fairness');
    expect(html).toContain('data-lasso="buggy"');
    expect(html).toMatch(/<td><a href="#model-pfncache-retry">pfncache-retry<\/a><\/td><td><span class="ok">lasso found: stem/);
    expect(html).not.toContain('No race found in the buggy variant');
  });

  it('is NOT as expected when the upstream variant livelocks too', () => {
    const noFix = { ...pfncacheRetry, upstreamFixes: [] as string[] } as typeof pfncacheRetry;
    const m = reportLivenessModel(noFix);
    expect(m.ok).toBe(false);
    const up = m.variants.find((v) => v.role === 'upstream-liveness')!;
    expect([up.result, up.asExpected]).toEqual(['livelock', false]);
    expect(strip(reportText({ version: 2, seed: 1, models: [m], ok: false }, { html: '', json: '' }))).toMatch(/NOT as expected/);
  });
});
