import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { vcpuRequests } from '../src/index.js';

describe('hunting the buggy variant over the catalogue', () => {
  const seeds = Array.from({ length: 10 }, (_, i) => i + 1);

  it.each(seeds)('seed %i: PCT finds the lost wake-up', (seed) => {
    const r = hunt(vcpuRequests, { fixes: [], seed, runs: 2000, strategy: 'pct' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'no-lost-wakeup' });
  });

  it.each(seeds)('seed %i: the random walk finds the lost wake-up', (seed) => {
    const r = hunt(vcpuRequests, { fixes: [], seed, runs: 2000, strategy: 'random' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'no-lost-wakeup' });
  });
});
