import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize } from '../src/index.js';

// The bound: the catalogue scenarios the fixed variant claims (those without a known hole),
// every interleaving with at most 2 preemptions. The README states the same bound.
const claimed = hptResize.scenarios.catalogue.filter((s) => !s.fixedBreaks).map((s) => s.threads);

describe('hpt-resize, exhaustively', () => {
  it('the fixed variant holds on every explored interleaving', () => {
    const r = verify(hptResize, { fixes: hptResize.fixNames, scenarios: claimed, preemptions: 2 });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(0);
  });

  it('the buggy variant is violated, with a 2-thread counterexample', () => {
    const r = verify(hptResize, { fixes: [], scenarios: claimed, preemptions: 2 });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome.kind).not.toBe('ok');
    expect(r.counterexample?.threads).toBe(2);
  });
});
