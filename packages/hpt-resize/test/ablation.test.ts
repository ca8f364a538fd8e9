import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize, type HptFix } from '../src/index.js';

const FIXES = hptResize.fixNames as readonly HptFix[];
const SUBSETS: HptFix[][] = Array.from({ length: 8 }, (_, m) => FIXES.filter((_, i) => m & (1 << i)));

/**
 * The random search breaks every subset of the three hunks except those with both
 * run-core-checks-flag (closes the guest-entry path) and fault-checks-flag (closes the fault
 * path). setup-in-run-loop changes how a refused vCPU waits (blocked on kvm->lock rather than
 * spinning), not what it may do, so it never decides safety in the model.
 */
const UNBROKEN = [['run-core-checks-flag', 'fault-checks-flag'], ['run-core-checks-flag', 'setup-in-run-loop', 'fault-checks-flag']];

describe('ablation: each subset of the three hunks under the random search', () => {
  it.each(SUBSETS.map((s) => [s.join(',') || 'buggy', s] as const))('%s', (_name, fixes) => {
    const r = hunt(hptResize, { fixes, seed: 7, runs: 20_000, strategy: 'random' });
    const expectUnbroken = UNBROKEN.some((u) => u.length === fixes.length && u.every((f) => fixes.includes(f as HptFix)));
    expect(r.found).toBe(!expectUnbroken);
    if (r.found) expect(['violation', 'oops']).toContain(r.counterexample?.outcome.kind);
    else expect(r.outcomes.ok).toBe(20_000);
  });
});
