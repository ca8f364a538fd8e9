import { contextSwitches, replaySchedule } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize } from '../src/index.js';
import {
  completeSchedule,
  FAULT_PATH,
  FAULT_PATH_AFTER_PIVOT,
  FAULT_PATH_MIN,
  FAULT_PATH_PREFIX,
  FAULT_VS_RESIZE,
  GUEST_ENTRY_MIN,
  GUEST_ENTRY_PATH,
  KICKED_AND_REENTERS,
  RUN_VS_RESIZE,
} from './schedules.js';

const FIXED = hptResize.fixNames;

describe('fault path: page_fault vs resize_commit (PROTOCOLS.md B)', () => {
  it('buggy: the fault makes the HPTE VALID after the rehash dropped it (I_B2)', () => {
    const x = replaySchedule(hptResize, [], FAULT_VS_RESIZE, FAULT_PATH, true);
    expect(x.outcome).toMatchObject({ kind: 'violation', invariant: 'I_B2', step: FAULT_PATH.length - 1 });
    expect(x.trace?.at(-1)?.label).toBe('hptep[1] = r; hptep[0] = hpte[0] | HPTE_V_VALID');
    // F | R | F: the table's rows 1-7 (its count of 3 includes row 8, the pivot).
    expect(contextSwitches(x.schedule)).toBe(2);
  });

  it('buggy: with the pivot before F7, kvmppc_add_revmap_chain indexes the smaller NEW rev[] out of bounds (oops)', () => {
    const x = replaySchedule(hptResize, [], FAULT_VS_RESIZE, FAULT_PATH_AFTER_PIVOT, true);
    expect(x.outcome.kind).toBe('oops');
    expect(x.outcome.message).toMatch(/kvmppc_add_revmap_chain: HPTE index 1 of the OLD HPT is out of bounds/);
    expect(x.trace?.at(-1)?.fn).toBe('kvmppc_add_revmap_chain');
  });

  it('buggy: with the pivot between F7 and F8, the rmap chain points into OLD (I_B1)', () => {
    const schedule = [...FAULT_PATH_PREFIX, 0, 0, 0, 1, 1];
    const x = replaySchedule(hptResize, [], FAULT_VS_RESIZE, schedule, true);
    expect(x.outcome).toMatchObject({ kind: 'violation', invariant: 'I_B1' });
    expect(x.trace?.at(-1)?.label).toBe('kvmppc_set_hpt(kvm, &resize->hpt)');
  });

  it('fixed: on the same schedule the fault sees hpte_setup_done == 0 under the HPTE lock and backs off', () => {
    const schedule = completeSchedule(FIXED, FAULT_VS_RESIZE, FAULT_PATH_PREFIX);
    expect(schedule.slice(0, FAULT_PATH_PREFIX.length)).toEqual(FAULT_PATH_PREFIX);
    const x = replaySchedule(hptResize, FIXED, FAULT_VS_RESIZE, schedule, true);
    expect(x.outcome.kind).toBe('ok');
    const after = x.trace?.[FAULT_PATH_PREFIX.length];
    expect(after?.label).toBe('if (!kvm->arch.hpte_setup_done) goto out_unlock');
    expect(after?.accesses[0]?.value).toBe('0');
  });

  it('buggy, fewest preemptions (1): the fault starts only after the rehash dropped its entry (I_B2)', () => {
    const x = replaySchedule(hptResize, [], FAULT_VS_RESIZE, FAULT_PATH_MIN);
    expect(x.outcome).toMatchObject({ kind: 'violation', invariant: 'I_B2', step: FAULT_PATH_MIN.length - 1 });
    expect(x.preemptions).toBe(1);
  });

  it('fixed, fewest-preemption schedule: the late fault backs off as well', () => {
    const prefix = FAULT_PATH_MIN.slice(0, 17); // R1-R4, then F up to hnow_v
    const x = replaySchedule(hptResize, FIXED, FAULT_VS_RESIZE, completeSchedule(FIXED, FAULT_VS_RESIZE, prefix), true);
    expect(x.outcome.kind).toBe('ok');
    expect(x.trace?.[17]).toMatchObject({ thread: 0, label: 'if (!kvm->arch.hpte_setup_done) goto out_unlock' });
  });

  it('fault-checks-flag alone closes the fault path on that schedule', () => {
    const schedule = completeSchedule(['fault-checks-flag'], FAULT_VS_RESIZE, FAULT_PATH_PREFIX);
    expect(replaySchedule(hptResize, ['fault-checks-flag'], FAULT_VS_RESIZE, schedule).outcome.kind).toBe('ok');
  });
});

describe('guest-entry path: vcpu_run vs resize_commit (PROTOCOLS.md B)', () => {
  it('buggy: the vCPU enters the guest after the IPI completed, while the rehash runs (I_B3)', () => {
    const x = replaySchedule(hptResize, [], RUN_VS_RESIZE, GUEST_ENTRY_PATH, true);
    expect(x.outcome).toMatchObject({ kind: 'violation', invariant: 'I_B3', step: GUEST_ENTRY_PATH.length - 1 });
    expect(x.trace?.at(-1)?.fn).toBe('resize_hpt_rehash_hpte');
    // V | R | V | R: one more than the table, for the unfixed flag check before the run loop.
    expect(contextSwitches(x.schedule)).toBe(3);
  });

  it('buggy, fewest preemptions (2): the vCPU enters after the rehash has started (I_B3)', () => {
    const x = replaySchedule(hptResize, [], RUN_VS_RESIZE, GUEST_ENTRY_MIN, true);
    expect(x.outcome).toMatchObject({ kind: 'violation', invariant: 'I_B3', step: GUEST_ENTRY_MIN.length - 1 });
    expect(x.trace?.at(-1)?.label).toBe('enter guest');
    expect(x.preemptions).toBe(2);
  });

  it('fixed, fewest-preemption schedule: the vCPU is refused with interrupts off', () => {
    const x = replaySchedule(hptResize, FIXED, RUN_VS_RESIZE, completeSchedule(FIXED, RUN_VS_RESIZE, GUEST_ENTRY_MIN), true);
    expect(x.outcome.kind).toBe('ok');
    expect(x.trace?.[8]).toMatchObject({ thread: 0, label: 'if (!kvm->arch.hpte_setup_done) refuse entry' });
  });

  it('buggy: a vCPU kicked out by the IPI re-enters through the run loop without rechecking (I_B3)', () => {
    const x = replaySchedule(hptResize, [], RUN_VS_RESIZE, KICKED_AND_REENTERS, true);
    expect(x.outcome).toMatchObject({ kind: 'violation', invariant: 'I_B3' });
    const labels = x.trace?.map((e) => `${e.thread}:${e.label}`);
    expect(labels).toContain('0:exit guest');
    expect(labels?.filter((l) => l === '0:enter guest')).toHaveLength(2);
  });

  it('fixed: on the same schedule kvmppc_run_core sees the flag clear with interrupts off and refuses entry', () => {
    // Fixed, V's first step is the flag check at the top of the kvmppc_run_vcpu loop, and its
    // second pair is local_irq_disable + the V2 check: the prefix is legal as it stands.
    const schedule = completeSchedule(FIXED, RUN_VS_RESIZE, GUEST_ENTRY_PATH);
    const x = replaySchedule(hptResize, FIXED, RUN_VS_RESIZE, schedule, true);
    expect(x.outcome.kind).toBe('ok');
    const v2 = x.trace?.[7];
    expect(v2).toMatchObject({ thread: 0, fn: 'kvmppc_run_core', label: 'if (!kvm->arch.hpte_setup_done) refuse entry' });
    expect(v2?.accesses[0]?.value).toBe('0');
    // The refused vCPU then blocks on kvm->lock in kvmppc_hv_setup_htab_rma until the resize ends.
    expect(x.trace?.some((e) => e.thread === 0 && e.fn === 'kvmppc_hv_setup_htab_rma')).toBe(true);
  });

  it('fixed: the kicked vCPU is refused on its way back in', () => {
    // V (fixed): loop check, irqs off, V2 check, enter | R: lock, WARN_ON, flag = 0, send IPI (the kick).
    const schedule = completeSchedule(FIXED, RUN_VS_RESIZE, [0, 0, 0, 0, 1, 1, 1, 1]);
    const x = replaySchedule(hptResize, FIXED, RUN_VS_RESIZE, schedule, true);
    expect(x.outcome.kind).toBe('ok');
    const v2 = x.trace?.filter((e) => e.thread === 0 && e.label === 'if (!kvm->arch.hpte_setup_done) refuse entry');
    // The first entry saw 1 (before R2); on the way back in, the loop check sees 0 and the vCPU
    // blocks on kvm->lock in kvmppc_hv_setup_htab_rma until the resize is over.
    expect(v2?.map((e) => e.accesses[0]?.value)).toEqual(['1', '1']);
    const blocked = x.trace?.findIndex((e) => e.thread === 0 && e.fn === 'kvmppc_hv_setup_htab_rma');
    const released = x.trace?.findIndex((e) => e.thread === 1 && e.label === 'mutex_unlock(kvm->lock)');
    expect(blocked).toBeGreaterThan(0);
    expect(released).toBeLessThan(blocked as number);
  });

  it('run-core-checks-flag alone closes the guest-entry path on that schedule (the vCPU spins instead of blocking)', () => {
    const fixes = ['run-core-checks-flag'];
    const schedule = completeSchedule(fixes, RUN_VS_RESIZE, GUEST_ENTRY_PATH);
    const x = replaySchedule(hptResize, fixes, RUN_VS_RESIZE, schedule, true);
    expect(x.outcome.kind).toBe('ok');
    expect(x.trace?.some((e) => e.label.startsWith('loop back into kvmppc_run_core'))).toBe(true);
  });
});
