import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize } from '../src/index.js';
import { CLAIMED, exhaustiveHolds, PREEMPTIONS } from './fixed-checks.js';

// The bound (CLAIMED, PREEMPTIONS, see fixed-checks.ts): the catalogue scenarios the fixed
// variant claims (those without a known hole), every interleaving with at most 2 preemptions.
// The README states the same bound.

describe('hpt-resize, exhaustively', () => {
  it('the fixed variant holds on every explored interleaving', () => {
    exhaustiveHolds.run(hptResize.fixNames);
  });

  it('the buggy variant is violated, with a 2-thread counterexample', () => {
    const r = verify(hptResize, { fixes: [], scenarios: CLAIMED, preemptions: PREEMPTIONS });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome.kind).not.toBe('ok');
    expect(r.counterexample?.threads).toBe(2);
  });
});
