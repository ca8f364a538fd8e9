import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { changePte } from '../src/index.js';
import { CLAIMED, exhaustiveHolds, PREEMPTIONS } from './fixed-checks.js';

// The bound (CLAIMED, PREEMPTIONS, see fixed-checks.ts): every catalogue scenario, every
// interleaving with at most 2 preemptions.
// The README states the same bound.

describe('change-pte, exhaustively', () => {
  it('the upstream variant (bracketed-warn) holds on every explored interleaving', () => {
    exhaustiveHolds.run(changePte.upstreamFixes);
  });

  it('so does all (every toggle, a hybrid no kernel had)', () => {
    exhaustiveHolds.run(changePte.fixNames);
  });

  it('the buggy variant is violated, with a 2-thread counterexample', () => {
    const r = verify(changePte, { fixes: [], scenarios: CLAIMED, preemptions: PREEMPTIONS });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome.kind).not.toBe('ok');
    expect(r.counterexample?.threads).toBe(2);
  });
});
