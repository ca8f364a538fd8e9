import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { seqcountReader } from '../src/index.js';

describe('seqcount-reader example', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: the reader without retry returns a torn pair', (seed) => {
    const r = hunt(seqcountReader, { fixes: [], seed, runs: 5000, strategy: 'pct' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome.invariant).toBe('no-torn-read');
  });
  it('the retrying reader holds over 20,000 random schedules', () => {
    const r = hunt(seqcountReader, { fixes: ['reader-retries'], seed: 1, runs: 20000, strategy: 'random' });
    expect(r.found).toBe(false);
  });
});
