import { contextSwitches, fromRuns, replaySchedule } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { changePte } from '../src/index.js';

// PROTOCOLS.md C, "Minimal violating interleaving": V samples seq and gups P0; M replaces the page
// (set_pte_at_notify, spte not present, nothing to do); V installs P0 unchallenged.
const scenario = [['page_fault'], ['ksm_replace_page']];

describe('the minimal interleaving of PROTOCOLS.md C, scripted', () => {
  it('breaks I_C on buggy (unbracketed caller, handler without seq++ or WARN)', () => {
    // V1 mmu_seq = 0; V2 gup -> P0 | M: ptl, ptep_clear_flush, change_pte (lock, no-op, unlock), set_pte_at(P1), unlock ptl | V3..V6
    const schedule = fromRuns([[0, 2], [1, 7], [0, 4]]);
    const run = replaySchedule(changePte, [], scenario, schedule, true);
    expect(contextSwitches(run.schedule)).toBe(2);
    expect(run.outcome).toMatchObject({ kind: 'violation', invariant: 'I_C', step: 12 });
    expect(run.outcome.message).toMatch(/KVM maps P0 but the primary MMU maps P1/);
    expect(run.trace?.[11]?.label).toBe('__direct_map(): spte = P0');
  });

  it('holds on fixed at the same point: M runs whole between V2 and V3, and V retries', () => {
    // Same shape: V takes 2 steps, M runs to the end (bracket: 4 + ptl section: 9 + end: 3 steps),
    // then V: lock, retry (seq 0 -> 2), unlock, and a clean second attempt (6 steps).
    const schedule = fromRuns([[0, 2], [1, 16], [0, 9]]);
    const run = replaySchedule(changePte, [...changePte.fixNames], scenario, schedule, true);
    expect(run.outcome.kind).toBe('ok');
    expect(run.gaveUp).toEqual([]);
    const retries = run.trace?.filter((e) => e.thread === 0 && e.label.startsWith('mmu_notifier_retry')) ?? [];
    expect(retries.map((e) => e.accesses.find((a) => a.name === 'mmu_notifier_seq')?.value)).toEqual(['2', '2']);
    expect(run.trace?.at(-2)?.label).toBe('__direct_map(): spte = P1');
  });

  it.each([
    ['bracketed-warn', 15],
    ['bracketed-seq-bump', 15],
    ['unbracketed-seq-bump', 8],
  ] as const)('holds on %s with the same shape (M takes %i steps)', (variant, mSteps) => {
    const fixes = changePte.variants?.[variant] ?? [];
    const run = replaySchedule(changePte, fixes, scenario, fromRuns([[0, 2], [1, mSteps], [0, 9]]), true);
    expect(run.outcome.kind).toBe('ok');
    expect(run.trace?.at(-2)?.label).toBe('__direct_map(): spte = P1');
  });
});
