import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { memslotGen } from '../src/index.js';

describe('hunting the buggy variant over the catalogue', () => {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

  it.each(seeds)('seed %i: PCT finds the stale MMIO decision (I_D)', (seed) => {
    const r = hunt(memslotGen, { fixes: [], seed, runs: 2000, strategy: 'pct' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_D' });
  });

  it.each(seeds)('seed %i: the random walk finds the stale MMIO decision (I_D)', (seed) => {
    const r = hunt(memslotGen, { fixes: [], seed, runs: 2000, strategy: 'random' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_D' });
  });
});
