import { contextSwitches, hunt, renderRaceTable } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { memslotGen } from '../src/index.js';

describe('the race table of the buggy variant', () => {
  it.each([
    ['per-vCPU mmio_gen cache', [['vcpu_mmio_exit'], ['set_memory_region']]],
    ['MMIO spte', [['mmio_spte_fault'], ['set_memory_region']]],
  ] as const)('PCT at depth 2 finds the minimal race on the %s, and its table reads like the commit message', (_flavour, scenario) => {
    // One priority change point: V is preempted after its lookup in S0, U publishes S1 and blocks in
    // synchronize_srcu, V tags its MMIO decision with S1's generation, U's grace period ends.
    const r = hunt(memslotGen, { fixes: [], seed: 1, runs: 1000, strategy: 'pct', pctDepth: 2, scenarios: [scenario] });
    const cx = r.counterexample;
    expect(cx).toBeDefined();
    if (!cx) return;
    expect({ threads: cx.threads, operations: cx.operations, preemptions: cx.preemptions, switches: contextSwitches(cx.schedule), steps: cx.steps }).toEqual({
      threads: 2,
      operations: 2,
      preemptions: 1,
      switches: 3,
      steps: 8,
    });
    expect(renderRaceTable(memslotGen.name, 'buggy', cx)).toMatchSnapshot();
  });
});
