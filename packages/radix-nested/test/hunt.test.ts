import { hunt, type HuntStrategy } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { radixNested } from '../src/index.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe('hunting the race on the buggy variant (no scripted schedule: the strategy finds it)', () => {
  for (const strategy of ['random', 'pct'] as HuntStrategy[]) {
    it.each(SEEDS)(`${strategy}, seed %i: finds the I_A violation over the catalogue`, (seed) => {
      const r = hunt(radixNested, { fixes: [], seed, runs: 2000, strategy });
      expect(r.found, `${strategy} seed ${seed} found nothing in ${r.runs} runs`).toBe(true);
      const cx = r.counterexample!;
      expect(cx.outcome.kind).toBe('violation');
      expect(cx.outcome.invariant).toBe('I_A');
      expect(cx.finalState).toMatch(/npte=P\|R\|C/);
    });
  }

  it('finds it in the smallest catalogue scenario alone (fault vs clear_dirty)', () => {
    const [smallest] = radixNested.scenarios.catalogue;
    expect(smallest?.name).toBe('fault-vs-clear-dirty');
    for (const seed of SEEDS) {
      const r = hunt(radixNested, { fixes: [], seed, runs: 2000, strategy: 'random', scenarios: [smallest!.threads] });
      expect(r.found).toBe(true);
      expect(r.counterexample?.outcome.invariant).toBe('I_A');
    }
  });
});
