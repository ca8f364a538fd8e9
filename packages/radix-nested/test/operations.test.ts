import { execute, hunt, RandomWalk, type Scenario } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { MAX_RETRY, radixNested } from '../src/index.js';

const FIXED = new Set(radixNested.fixNames);

/** Runs a one-thread scenario (there is only one schedule) and returns the final state line. */
function sequential(ops: string[], fixes: ReadonlySet<string> = new Set()): string {
  const run = execute(radixNested, fixes, [ops], new RandomWalk(1), { trace: true });
  expect(run.outcome.kind).toBe('ok');
  return run.finalState ?? '';
}

describe('the operations, one at a time', () => {
  it('declares the vocabulary, the fix and the invariant', () => {
    expect(radixNested.name).toBe('radix-nested');
    expect(radixNested.operationNames).toEqual(['nested_page_fault', 'test_clear_dirty', 'handle_nested_set_rc']);
    expect(radixNested.fixNames).toEqual(['clear-dirty-bumps-seq']);
    expect(radixNested.invariants.map((i) => i.name)).toEqual(['I_A']);
    expect(radixNested.scenarios.catalogue[0]?.threads).toEqual([['nested_page_fault'], ['test_clear_dirty']]);
  });

  it('nested_page_fault maps the L2 page with the guest pte\'s rc bits and adds the nest rmap entry', () => {
    expect(sequential(['nested_page_fault'])).toBe('gpte=P|R|C, npte=P|R|C, rmap=[n_gpa@l1_lpid], mmu_notifier_seq=0, mmu_lock free');
  });

  it('test_clear_dirty after the fault cleans both ptes through the rmap', () => {
    expect(sequential(['nested_page_fault', 'test_clear_dirty'])).toBe('gpte=P|R, npte=P|R, rmap=[n_gpa@l1_lpid], mmu_notifier_seq=0, mmu_lock free');
    expect(sequential(['nested_page_fault', 'test_clear_dirty'], FIXED)).toMatch(/npte=P\|R, .*mmu_notifier_seq=1/);
  });

  it('a fault after the clear builds a clean nested pte', () => {
    expect(sequential(['test_clear_dirty', 'nested_page_fault'])).toMatch(/^gpte=P\|R, npte=P\|R, /);
  });

  it('a second test_clear_dirty finds the page clean and takes no lock (and, fixed, bumps nothing)', () => {
    expect(sequential(['test_clear_dirty', 'test_clear_dirty'], FIXED)).toMatch(/mmu_notifier_seq=1/);
  });

  it('handle_nested_set_rc sets C in both ptes under one hold of mmu_lock', () => {
    expect(sequential(['nested_page_fault', 'test_clear_dirty', 'handle_nested_set_rc'])).toMatch(/^gpte=P\|R\|C, npte=P\|R\|C, /);
  });

  it('handle_nested_set_rc without a shadow pte fails with -EINVAL and unmaps nothing (goto inval)', () => {
    const run = execute(radixNested, new Set(), [['handle_nested_set_rc']], new RandomWalk(1), { trace: true });
    expect(run.outcome.kind).toBe('ok');
    expect(run.trace?.map((e) => e.fn)).toContain('kvmhv_invalidate_shadow_pte');
    expect(run.finalState).toMatch(/npte=none, rmap=\[\]/);
  });

  it('a re-fault over a present nested pte ORs its bits in (kvmppc_radix_update_pte) without a second rmap entry', () => {
    expect(sequential(['nested_page_fault', 'test_clear_dirty', 'handle_nested_set_rc', 'nested_page_fault'])).toBe(
      'gpte=P|R|C, npte=P|R|C, rmap=[n_gpa@l1_lpid], mmu_notifier_seq=0, mmu_lock free',
    );
  });
});

describe('the bounded re-fault loop', () => {
  it(`gives up after MAX_RETRY=${MAX_RETRY} re-faults when every attempt loses to a seq bump: reported, never a pass or a failure`, () => {
    const busy: Scenario = [['nested_page_fault'], ['test_clear_dirty', 'handle_nested_set_rc', 'test_clear_dirty', 'handle_nested_set_rc', 'test_clear_dirty']];
    const r = hunt(radixNested, { fixes: [...FIXED], seed: 3, runs: 2_000, strategy: 'random', scenarios: [busy] });
    expect(r.found).toBe(false);
    expect(r.gaveUp).toBeGreaterThan(0);
  });
});
