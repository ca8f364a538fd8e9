import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize } from '../src/index.js';
import { FAULT_VS_RESIZE, RUN_VS_RESIZE } from './schedules.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe('hunt finds the race on buggy (no scripted help)', () => {
  it.each(SEEDS)('seed %i: random walk over the catalogue', (seed) => {
    const r = hunt(hptResize, { fixes: [], seed, runs: 10_000, strategy: 'random' });
    expect(r.found).toBe(true);
    expect(['violation', 'oops']).toContain(r.counterexample?.outcome.kind);
  });

  it.each(SEEDS)('seed %i: PCT finds both paths (page_fault vs resize_commit, vcpu_run vs resize_commit)', (seed) => {
    const fault = hunt(hptResize, { fixes: [], seed, runs: 10_000, strategy: 'pct', scenarios: [FAULT_VS_RESIZE] });
    expect(fault.found).toBe(true);
    expect(['I_B1', 'I_B2', undefined]).toContain(fault.counterexample?.outcome.invariant);
    expect(['violation', 'oops']).toContain(fault.counterexample?.outcome.kind);
    const entry = hunt(hptResize, { fixes: [], seed, runs: 10_000, strategy: 'pct', scenarios: [RUN_VS_RESIZE] });
    expect(entry.found).toBe(true);
    expect(entry.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_B3' });
  });
});
