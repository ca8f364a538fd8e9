import { hunt, verify } from '@kvmrace/core';
import { expect } from 'vitest';
import { vcpuRequests } from '../src/index.js';

/** The bound: every catalogue scenario, every interleaving (the README states the same). */
export const CLAIMED = vcpuRequests.scenarios.catalogue.map((s) => s.threads);

/** Every interleaving of every claimed scenario holds under sc. */
export const exhaustiveHolds = {
  name: 'exhaustive: verify over the catalogue under sc',
  run(fixes: readonly string[]): void {
    const r = verify(vcpuRequests, { fixes, scenarios: CLAIMED });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(0);
  },
};

/** 20,000 PCT schedules over the catalogue: every run ends ok. */
export const pctHolds = {
  name: 'pct: 20,000 schedules over the catalogue',
  run(fixes: readonly string[]): void {
    const runs = 20_000;
    const r = hunt(vcpuRequests, { fixes, seed: 3, runs, strategy: 'pct' });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.outcomes.ok).toBe(runs);
  },
};

/** The fixed-variant checks of this suite, cheapest first. */
export const FIXED_CHECKS = [exhaustiveHolds, pctHolds] as const;
