import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { invalidateRange } from '../src/index.js';
import { CLAIMED, exhaustiveHolds } from './fixed-checks.js';

const fixesOf = (v: string): readonly string[] => (v === 'buggy' ? [] : (invalidateRange.variants?.[v] ?? []));

describe('invalidate-range under sc, every interleaving of the catalogue', () => {
  it('upstream holds', () => {
    exhaustiveHolds.run(invalidateRange.upstreamFixes);
  });

  it('so does upstream without the lockless pre-check (it only adds retries)', () => {
    exhaustiveHolds.run(['retry-checks-in-progress', 'retry-checks-range']);
  });

  it.each([
    ['buggy', 'no-stale-spte'],
    ['ignores-in-progress', 'no-stale-spte'],
    ['ignores-range', 'outside-not-retried'],
  ])('%s breaks %s with 2 threads', (variant, invariant) => {
    const r = verify(invalidateRange, { fixes: fixesOf(variant), scenarios: CLAIMED, minimal: true });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant });
    expect(r.counterexample?.threads).toBe(2);
  });
});
