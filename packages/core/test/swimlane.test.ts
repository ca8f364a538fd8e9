import { describe, expect, it } from 'vitest';
import { hunt, holdBars, renderSwimlaneSvg } from '../src/index.js';
import { lostUpdate } from './fixtures/lost-update.js';

describe('swimlane SVG', () => {
  const cx = hunt(lostUpdate, { fixes: [], seed: 7, runs: 1000, strategy: 'random' }).counterexample!;

  it('draws one lane per CPU, every step, and marks the breaking step', () => {
    const svg = renderSwimlaneSvg('lost-update', 'buggy', cx);
    expect(svg.match(/class="lane"/g)).toHaveLength(2);
    expect(svg.match(/class="step[ "]/g)).toHaveLength(cx.steps);
    expect(svg.match(/class="step breaking"/g)).toHaveLength(1);
    expect(svg).toContain('violation of no-lost-update');
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('wraps a long step instead of cutting it, and says its full text in a title', () => {
    const long = 'x'.repeat(20) + ' ' + Array.from({ length: 12 }, (_, i) => `gpc->field${i}`).join(' ');
    const entry = { index: 0, thread: 0, operation: 'op', fn: 'op', label: long, accesses: [], preempted: false };
    const svg = renderSwimlaneSvg('m', 'buggy', { ...cx, scenario: [['op']], threads: 1, steps: 1, trace: [entry], outcome: { kind: 'violation', step: 0, invariant: 'I', message: 'broken' } });
    const text = /<text class="step-text"[^>]*>(.*?)<\/text>/.exec(svg)?.[1] ?? '';
    const lines = [...text.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => (m[1] as string).replaceAll('&gt;', '>'));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join(' ')).toBe(`op: ${long}`);
    for (const l of lines) expect(l.length * 6.7).toBeLessThanOrEqual(430 - 50);
    expect(svg).not.toContain('…');
    expect(svg).toContain(`<title>1. CPU0: op: ${long.replaceAll('>', '&gt;')}</title>`);
  });

  it('draws a bar for each lock hold', () => {
    const trace = [
      { index: 0, thread: 0, operation: 'x', fn: 'x', label: 'spin_lock(l)', accesses: [{ name: 'l', kind: 'lock', mode: 'write' as const, value: 'held by CPU0' }], preempted: false },
      { index: 1, thread: 1, operation: 'x', fn: 'x', label: 'read v', accesses: [{ name: 'v', kind: 'var', mode: 'read' as const, value: '1' }], preempted: true },
      { index: 2, thread: 0, operation: 'x', fn: 'x', label: 'spin_unlock(l)', accesses: [{ name: 'l', kind: 'lock', mode: 'write' as const, value: 'free' }], preempted: false },
    ];
    expect(holdBars(trace)).toEqual([{ thread: 0, object: 'l', from: 0, to: 2 }]);
  });
});
