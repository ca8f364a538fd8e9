import { exploreWeak, modelBarriers, type Outcome } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { invalidateRange } from '../src/index.js';

// The in-range fault against one invalidation under each memory model, every barrier toggle
// removed one at a time (the weak explorer has no reduction, so the smallest scenario only).
const scenario = [['fault_in_range'], ['invalidate']];
const upstream = new Set(invalidateRange.upstreamFixes);
const BARRIERS = ['kvm_faultin_pfn:smp_rmb', 'kvm_mmu_invalidate_end:smp_wmb'];

function outcomes(fixes: ReadonlySet<string>, memory: 'tso' | 'lkmm', off: readonly string[] = []): Record<string, number> {
  const counts: Record<string, number> = {};
  exploreWeak(invalidateRange, fixes, scenario, {
    memory,
    withoutBarriers: new Set(off),
    onExecution: (run) => {
      const o = run.outcome as Outcome;
      const key = o.kind === 'violation' ? (o.invariant ?? 'violation') : o.kind;
      counts[key] = (counts[key] ?? 0) + 1;
    },
  });
  return counts;
}

describe('invalidate-range under weak memory', () => {
  it('declares the two barriers of the path, paired', () => {
    expect(modelBarriers(invalidateRange).map((b) => [b.name, b.pairsWith])).toEqual([
      [BARRIERS[0], [BARRIERS[1]]],
      [BARRIERS[1], [BARRIERS[0]]],
    ]);
  });

  for (const memory of ['tso', 'lkmm'] as const) {
    it(`${memory}: buggy and ignores-in-progress install the replaced page`, () => {
      expect(outcomes(new Set(), memory)['no-stale-spte']).toBeGreaterThan(0);
      expect(outcomes(new Set(invalidateRange.variants?.['ignores-in-progress']), memory)['no-stale-spte']).toBeGreaterThan(0);
    });

    it(`${memory}: upstream holds, with each barrier removed too (mmu_lock and ptl order the locked path)`, () => {
      for (const off of [[], ...BARRIERS.map((b) => [b])]) {
        const counts = outcomes(upstream, memory, off);
        expect(Object.keys(counts), off.join()).toEqual(['ok']);
        expect(counts.ok).toBeGreaterThan(1);
      }
    });
  }
});
