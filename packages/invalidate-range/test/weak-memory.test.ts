import { ablateBarriers, exploreWeak, modelBarriers, type Outcome } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { invalidateRange } from '../src/index.js';

// The in-range fault against one invalidation under each memory model, every barrier toggle
// removed one at a time; then the whole catalogue under lkmm (issue 20 section 1) and the barrier
// table of `kvmrace ablate invalidate-range --memory lkmm --barriers` on the two-thread scenarios.
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

  // both-faults-vs-invalidate takes 17 s on 2 shared cores, the others under 2 s.
  for (const sc of invalidateRange.scenarios.catalogue) {
    it(`lkmm: upstream holds: ${sc.name}`, () => {
      const r = exploreWeak(invalidateRange, upstream, sc.threads, { memory: 'lkmm' });
      expect(r.failures).toBe(0);
      expect(r.consistent).toBeGreaterThan(1);
    });
  }

  it.each([
    ['buggy', 'fault-in-range-vs-invalidate', 'no-stale-spte'],
    ['ignores-in-progress', 'fault-in-range-vs-invalidate', 'no-stale-spte'],
    ['ignores-range', 'fault-outside-range-vs-invalidate', 'outside-not-retried'],
  ])('lkmm: %s is still found on %s (%s), with no weak edge', (variant, name, invariant) => {
    const fixes = new Set(variant === 'buggy' ? [] : invalidateRange.variants?.[variant]);
    const r = exploreWeak(invalidateRange, fixes, scenarioNamed(name), { memory: 'lkmm' });
    expect(r.failure?.outcome).toMatchObject({ kind: 'violation', invariant });
    expect(r.failure?.weakEdges).toBe(0);
  });

  // Neither barrier nor the pair the model declares is needed: the decisive check runs under
  // mmu_lock, which every writer of the counters and the range holds, and gup reads the pfn
  // under the pte lock the primary MMU writes it under (README).
  it('lkmm: barrier ablation on the two-thread scenarios: neither barrier needed within the bound, under lkmm or tso, nor the pair', () => {
    const scenarios = ['fault-in-range-vs-invalidate', 'fault-outside-range-vs-invalidate'].map(scenarioNamed);
    const a = ablateBarriers(invalidateRange, { fixes: [...upstream], memory: 'lkmm', scenarios });
    expect(a.baseline.verdict).toBe('holds');
    expect(a.rows.map((r) => [r.barrier, r.memory.verdict, r.tso.verdict])).toEqual(BARRIERS.map((b) => [b, 'not needed', 'not needed']));
    expect(a.rows.every((r) => r.memory.executions > 0 && r.tso.executions > 0)).toBe(true);
    expect(a.pairs.map((p) => [p.barriers, p.memory.verdict])).toEqual([[BARRIERS, 'not needed']]);
  });
});

function scenarioNamed(name: string): string[][] {
  const s = invalidateRange.scenarios.catalogue.find((c) => c.name === name);
  if (!s) throw new Error(`no catalogue scenario ${name}`);
  return s.threads.map((ops) => [...ops]);
}
