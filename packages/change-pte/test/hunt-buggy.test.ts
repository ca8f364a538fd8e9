import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { changePte } from '../src/index.js';

describe('hunting the buggy variant over the catalogue', () => {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

  it.each(seeds)('seed %i: PCT finds the stale spte (I_C)', (seed) => {
    const r = hunt(changePte, { fixes: [], seed, runs: 5000, strategy: 'pct' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_C' });
  });

  it.each(seeds)('seed %i: the random walk finds the stale spte (I_C)', (seed) => {
    const r = hunt(changePte, { fixes: [], seed, runs: 5000, strategy: 'random' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_C' });
  });
});
