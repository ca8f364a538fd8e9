import { fromRuns, replaySchedule, ReplayMismatchError } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { minimalRace, radixNested } from '../src/index.js';

const FIXED = ['clear-dirty-bumps-seq'];

describe('the minimal interleaving of PROTOCOLS.md section A', () => {
  it('breaks I_A on the buggy variant at kvmppc_create_pte()\'s unlock', () => {
    const schedule = fromRuns(minimalRace.buggy);
    const run = replaySchedule(radixNested, [], minimalRace.scenario, schedule, true);
    expect(run.outcome.kind).toBe('violation');
    expect(run.outcome.invariant).toBe('I_A');
    expect(run.outcome.step).toBe(schedule.length - 1);
    expect(run.preemptions).toBe(1);
    expect(run.trace?.at(-1)?.label).toBe('spin_unlock(kvm->mmu_lock)');
    expect(run.trace?.at(-1)?.fn).toBe('kvmppc_create_pte');
    expect(run.finalState).toBe('gpte=P|R, npte=P|R|C, rmap=[n_gpa@l1_lpid], mmu_notifier_seq=0, mmu_lock free');
  });

  it('does not fit the fixed variant: CPU1 still holds mmu_lock for its seq++ when CPU0 wants it', () => {
    expect(() => replaySchedule(radixNested, FIXED, minimalRace.scenario, fromRuns(minimalRace.buggy))).toThrow(ReplayMismatchError);
  });

  it('holds on the fixed variant on the closest legal schedule: -EAGAIN, then a clean re-fault', () => {
    const run = replaySchedule(radixNested, FIXED, minimalRace.scenario, fromRuns(minimalRace.fixed), true);
    expect(run.outcome.kind).toBe('ok');
    expect(run.gaveUp).toEqual([]);
    const labels = (run.trace ?? []).filter((e) => e.thread === 0).map((e) => e.label);
    expect(labels.filter((l) => l.startsWith('mmu_seq ='))).toHaveLength(2); // one re-fault
    expect(run.finalState).toBe('gpte=P|R, npte=P|R, rmap=[n_gpa@l1_lpid], mmu_notifier_seq=1, mmu_lock free');
  });

  it('the fix is the only difference: the fixed run takes the seq++ step where the buggy one does not', () => {
    const buggy = replaySchedule(radixNested, [], minimalRace.scenario, fromRuns(minimalRace.buggy), true);
    const fixed = replaySchedule(radixNested, FIXED, minimalRace.scenario, fromRuns(minimalRace.fixed), true);
    const cpu1 = (t: typeof buggy) => (t.trace ?? []).filter((e) => e.thread === 1).map((e) => e.label);
    expect(cpu1(fixed)).toEqual([...cpu1(buggy).slice(0, -1), 'kvm->mmu_notifier_seq++', 'spin_unlock(kvm->mmu_lock)']);
  });
});
