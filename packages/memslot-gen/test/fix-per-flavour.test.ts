import { hunt, replaySchedule, type HuntStrategy } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { memslotGen } from '../src/index.js';
import { flavourHolds, PER_VCPU as perVcpu, SPTE_ONLY as spteOnly } from './fixed-checks.js';

// Which hunk of ee3d1570b586 suffices for which cache, decided by the engine per flavour.

const variants: Record<string, readonly string[]> = {
  buggy: [],
  'second-increment-only': memslotGen.variants?.['second-increment-only'] ?? [],
  'spte-low-bit-only': memslotGen.variants?.['spte-low-bit-only'] ?? [],
  fixed: memslotGen.fixNames,
};

type Row = readonly [variant: string, flavour: 'per-vcpu mmio_gen' | 'mmio spte', expected: 'races' | 'holds'];
const matrix: readonly Row[] = [
  ['buggy', 'per-vcpu mmio_gen', 'races'],
  ['buggy', 'mmio spte', 'races'],
  ['second-increment-only', 'per-vcpu mmio_gen', 'holds'],
  ['second-increment-only', 'mmio spte', 'holds'],
  ['spte-low-bit-only', 'per-vcpu mmio_gen', 'races'], // the low-bit mask is only in mmu.c; mmio_gen keeps every bit
  ['spte-low-bit-only', 'mmio spte', 'holds'],
  ['fixed', 'per-vcpu mmio_gen', 'holds'],
  ['fixed', 'mmio spte', 'holds'],
];

describe('which fix alone suffices for which cache flavour', () => {
  it('splits the catalogue into the two flavours', () => {
    expect(perVcpu.map((s) => s.name)).toContain('exit-vs-update');
    expect(spteOnly.map((s) => s.name)).toEqual(['spte-fault-vs-update', 'spte-fault-access-vs-update', 'spte-two-vcpus-vs-update', 'spte-access-vs-two-updates']);
  });

  const cells = matrix.flatMap((row) => (['random', 'pct'] as const).map((s) => [...row, s] as const));
  it.each(cells)('%s, %s cache: %s (%s)', (variant, flavour, expected, strategy: HuntStrategy) => {
    if (expected === 'holds') {
      flavourHolds(flavour, strategy).run(variants[variant] ?? []); // the same check fixed-checks.ts runs on the fixed variant
    } else {
      const scenarios = (flavour === 'mmio spte' ? spteOnly : perVcpu).map((s) => s.threads);
      const r = hunt(memslotGen, { fixes: variants[variant] ?? [], seed: 3, runs: 5_000, strategy, scenarios });
      expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_D' });
      expect(r.counterexample?.outcome.message).toMatch(flavour === 'mmio spte' ? /MMIO spte/ : /mmio_gen cache/);
    }
  });

  it.each([
    ['buggy', []],
    ['fixed', memslotGen.fixNames],
  ] as const)('%s: with no update, both caches are used (a hit, no slow path) at a rest generation', (_v, fixes) => {
    for (const [fill, use, slowFn, steps] of [
      ['vcpu_mmio_exit', 'mmio_access', 'kvm_read_guest', 7],
      ['mmio_spte_fault', 'mmio_spte_access', 'kvm_mmu_page_fault', 8],
    ] as const) {
      const run = replaySchedule(memslotGen, fixes, [[fill, use]], Array.from({ length: steps }, () => 0), true);
      expect(run.outcome.kind).toBe('ok');
      expect(run.trace?.some((e) => e.fn === slowFn)).toBe(false);
    }
  });
});
