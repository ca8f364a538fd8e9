import { minimalCounterexample, type AnyModel } from '@kvmrace/core';
import { changePte } from '@kvmrace/change-pte';
import { hptResize } from '@kvmrace/hpt-resize';
import { memslotGen } from '@kvmrace/memslot-gen';
import { pfncache } from '@kvmrace/pfncache';
import { radixNested } from '@kvmrace/radix-nested';
import { describe, expect, it } from 'vitest';
import { findMinimalRace } from '../src/index.js';

/** (threads, operations, preemptions): the order DESIGN.md ranks counterexamples by. */
const shape = (cx: { threads: number; operations: number; preemptions: number }) => [cx.threads, cx.operations, cx.preemptions];

// The exhaustive explorer's minimum over the catalogue's two-thread scenarios (DPOR says which
// fail, iterative deepening on the preemption bound finds the fewest preemptions) must equal what
// fast-check's shrinking plus the minimiser returns from random generation.
describe.each<[string, AnyModel]>([
  ['pfncache', pfncache],
  ['radix-nested', radixNested],
  ['hpt-resize', hptResize],
  ['change-pte', changePte],
  ['memslot-gen', memslotGen],
])('%s: the shrunk race equals the proven minimum', (_name, model) => {
  const proven = minimalCounterexample(model, {
    fixes: [],
    scenarios: model.scenarios.catalogue.filter((s) => s.threads.length <= 2).map((s) => s.threads),
  });

  it.each([1, 2, 3])('seed %i', (seed) => {
    expect(proven).toBeDefined();
    const found = findMinimalRace(model, { variant: 'buggy', seed });
    expect(found.counterexample).toBeDefined();
    expect(shape(found.counterexample!)).toEqual(shape(proven!));
  });
});
