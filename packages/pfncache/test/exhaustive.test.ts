import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { pfncache } from '../src/index.js';
import { CLAIMED, exhaustiveHolds, WITHOUT_INVALIDATE } from './fixed-checks.js';

// The bound (CLAIMED, see fixed-checks.ts): every catalogue scenario, every interleaving. The
// README states the same bound.

describe('pfncache, exhaustively', () => {
  it('the upstream variant holds on every explored interleaving', () => {
    exhaustiveHolds.run(pfncache.upstreamFixes);
  });

  it('the buggy variant is violated, with a 2-thread counterexample', () => {
    const r = verify(pfncache, { fixes: [], scenarios: CLAIMED });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome.kind).not.toBe('ok');
    expect(r.counterexample?.threads).toBe(2);
  });

  // DPOR over the scenarios without an invalidate thread: with one, every step the invariants read
  // is dependent and DPOR takes minutes (issue 24); the stateful search above covers them.
  it('DPOR verifies the upstream variant with at most 5% redundant (sleep-set-blocked) executions', () => {
    const r = verify(pfncache, { fixes: pfncache.upstreamFixes, scenarios: WITHOUT_INVALIDATE.map((s) => s.threads), engine: 'dpor' });
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(10);
    expect(r.redundant / r.executions).toBeLessThanOrEqual(0.05);
  });
});
