import { hunt, type HuntStrategy } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { changePte } from '../src/index.js';
import { matrixHolds } from './fixed-checks.js';

// The matrix of PROTOCOLS.md C, each cell decided by the engine over the whole catalogue.
type Expect = 'holds' | 'warn' | 'I_C';
const matrix: ReadonlyArray<readonly [variant: string, caller: string, handler: string, expected: Expect]> = [
  ['bracketed-seq-bump', 'bracketed', 'pre-c13 (seq++)', 'holds'],
  ['bracketed-warn', 'bracketed', 'post-c13 (WARN)', 'holds'],
  ['bracketed-bare', 'bracketed', 'neither', 'holds'],
  ['fixed', 'bracketed', 'seq++ and WARN', 'holds'],
  ['unbracketed-seq-bump', 'unbracketed', 'pre-c13 (seq++)', 'holds'],
  ['unbracketed-warn', 'unbracketed', 'post-c13 (WARN)', 'warn'],
  ['buggy', 'unbracketed', 'neither', 'I_C'],
];

function fixesOf(variant: string): readonly string[] {
  if (variant === 'buggy') return [];
  if (variant === 'fixed') return changePte.fixNames;
  return changePte.variants?.[variant] ?? [];
}

describe('the variant matrix of PROTOCOLS.md C', () => {
  const cells = matrix.flatMap(([v, c, h, e]) => (['random', 'pct'] as const).map((s) => [v, c, h, e, s] as const));

  it.each(cells)('%s (%s caller, %s handler) -> %s under %s', (variant, _caller, _handler, expected, strategy: HuntStrategy) => {
    if (expected === 'holds') {
      matrixHolds(strategy).run(fixesOf(variant)); // the same check fixed-checks.ts runs on the fixed variant
      return;
    }
    const r = hunt(changePte, { fixes: fixesOf(variant), seed: 7, runs: 10_000, strategy });
    expect(r.found).toBe(true);
    const cx = r.counterexample;
    if (expected === 'warn') {
      expect(cx?.outcome.kind).toBe('warn');
      expect(cx?.outcome.message).toMatch(/WARN_ON: kvm_mmu_notifier_change_pte\(\) ran with mmu_notifier_count == 0/);
      expect(cx?.trace.at(-1)?.fn).toBe('kvm_mmu_notifier_change_pte');
    } else {
      expect(cx?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_C' });
    }
  });

  it('names every cell as a model variant', () => {
    expect(Object.keys(changePte.variants ?? {}).sort()).toEqual(
      matrix.map(([v]) => v).filter((v) => v !== 'buggy' && v !== 'fixed').sort(),
    );
  });
});
