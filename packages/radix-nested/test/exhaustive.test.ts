import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { radixNested } from '../src/index.js';
import { CLAIMED, exhaustiveHolds } from './fixed-checks.js';

// The bound (CLAIMED, see fixed-checks.ts): the catalogue scenarios the fixed variant claims
// (those without a known hole), every interleaving (DPOR). The README states the same bound.

describe('radix-nested, exhaustively', () => {
  it('the fixed variant holds on every explored interleaving', () => {
    exhaustiveHolds.run(radixNested.fixNames);
  });

  it('the buggy variant is violated, with a 2-thread counterexample', () => {
    const r = verify(radixNested, { fixes: [], scenarios: CLAIMED });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome.kind).not.toBe('ok');
    expect(r.counterexample?.threads).toBe(2);
  });

  it('DPOR verifies the fixed variant with at most 5% redundant (sleep-set-blocked) executions', () => {
    const r = verify(radixNested, { fixes: radixNested.fixNames, scenarios: CLAIMED, engine: 'dpor' });
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(10);
    expect(r.redundant / r.executions).toBeLessThanOrEqual(0.05);
  });
});
