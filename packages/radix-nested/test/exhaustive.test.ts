import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { radixNested } from '../src/index.js';

// The bound: the catalogue scenarios the fixed variant claims (those without a known hole),
// every interleaving (DPOR). The README states the same bound.
const claimed = radixNested.scenarios.catalogue.filter((s) => !s.fixedBreaks).map((s) => s.threads);

describe('radix-nested, exhaustively', () => {
  it('the fixed variant holds on every explored interleaving', () => {
    const r = verify(radixNested, { fixes: radixNested.fixNames, scenarios: claimed });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(0);
  });

  it('the buggy variant is violated, with a 2-thread counterexample', () => {
    const r = verify(radixNested, { fixes: [], scenarios: claimed });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome.kind).not.toBe('ok');
    expect(r.counterexample?.threads).toBe(2);
  });
});
