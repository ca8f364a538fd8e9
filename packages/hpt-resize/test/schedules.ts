import { Run, type Scenario } from '@kvmrace/core';
import { hptResize } from '../src/index.js';

/** Thread 0 runs `op`, thread 1 commits the resize. */
export const FAULT_VS_RESIZE: Scenario = [['page_fault'], ['resize_commit']];
export const RUN_VS_RESIZE: Scenario = [['vcpu_run'], ['resize_commit']];

/** `n` steps of thread `tid`. */
export const steps = (tid: number, n: number): number[] => new Array<number>(n).fill(tid);

const F = 0;
const V = 0;
const R = 1;

/**
 * PROTOCOLS.md B, fault path, rows 1-7 (3 context switches):
 * F0 srcu_read_lock, F1 (myGen = OLD) | F2 lock, read ABSENT, unlock | R1 kvm->lock, WARN_ON read,
 * R2 flag = 0 | R3 send IPI, wait (CPU0 has interrupts on) | R4 pre-check slot 0, pre-check slot 1,
 * lock, read ABSENT, unlock (dropped, visited) | F4 lock, read hnow | F7 rmap lock,
 * kvmppc_add_revmap_chain, rmap unlock, F8 VALID: I_B2.
 */
export const FAULT_PATH_PREFIX: readonly number[] = [...steps(F, 2), ...steps(F, 3), ...steps(R, 3), ...steps(R, 2), ...steps(R, 5), ...steps(F, 2)];
export const FAULT_PATH: readonly number[] = [...FAULT_PATH_PREFIX, ...steps(F, 4)];

/**
 * The fault-path variant "F7 after R5": as above up to F4, then R pivots (mmu_lock, set NEW,
 * unlock) and F takes the rmap lock and calls kvmppc_add_revmap_chain with an OLD index: the oops.
 */
export const FAULT_PATH_AFTER_PIVOT: readonly number[] = [...FAULT_PATH_PREFIX, ...steps(R, 3), ...steps(F, 2)];

/**
 * PROTOCOLS.md B, guest-entry path. V's one check of the flag (before the run loop, unfixed)
 * must come before R2, or V would block in kvmppc_hv_setup_htab_rma; so: V reads the flag (1) |
 * R1, WARN_ON read, R2 flag = 0, R3 send IPI and wait (CPU0 has interrupts on) | V1 irqs off,
 * V3 enter guest (no V2) | R4 looks at slot 0 while CPU0 is in the guest: I_B3.
 */
export const GUEST_ENTRY_PATH: readonly number[] = [...steps(V, 1), ...steps(R, 5), ...steps(V, 2), ...steps(R, 1)];

/**
 * The commit message's account: V is already in the guest when R IPIs it; the kick brings it
 * out, it takes the IPI on local_irq_enable, and the run loop re-enters the guest without
 * rechecking the flag; R then rehashes: I_B3.
 * V: flag (1), irqs off, enter | R: lock, WARN_ON, flag = 0, send IPI (kick) | V: exit, irqs on
 * (takes the IPI), irqs off, enter | R: IPI wait done, rehash slot 0.
 */
export const KICKED_AND_REENTERS: readonly number[] = [...steps(V, 3), ...steps(R, 4), ...steps(V, 4), ...steps(R, 2)];

/**
 * Runs `prefix` exactly (each step must be enabled), then finishes the run by always stepping the
 * lowest-numbered enabled thread: the closest legal schedule to `prefix` that runs to the end.
 * Returns the whole schedule, to replay.
 */
export function completeSchedule(fixes: readonly string[], scenario: Scenario, prefix: readonly number[]): number[] {
  const run = new Run(hptResize, new Set(fixes), scenario);
  const enabled: number[] = [];
  for (const tid of prefix) {
    if (run.outcome !== null) throw new Error(`the run ended (${run.outcome.kind}) before the prefix did`);
    if (!run.isEnabled(tid)) throw new Error(`step ${run.steps}: CPU${tid} cannot run there`);
    run.step(tid);
  }
  while (run.outcome === null) {
    const n = run.enabledThreads(enabled);
    if (n === 0) run.declareDeadlock();
    else run.step(enabled[0] as number);
  }
  return [...run.schedule];
}

/**
 * The fewest-preemption fault path (what exhaustive search finds: 1 preemption): R runs R1-R4,
 * so the rehash has dropped slot 1, and only then does the fault start; it sees OLD and the
 * ABSENT entry, and makes it VALID: I_B2. The fault needs no head start at all.
 */
export const FAULT_PATH_MIN: readonly number[] = [...steps(R, 10), ...steps(F, 11)];

/**
 * The fewest-preemption guest-entry path (2 preemptions): V's one flag check (1), then R up to
 * its first look at the HPT, then V disables interrupts and enters the guest: I_B3.
 */
export const GUEST_ENTRY_MIN: readonly number[] = [...steps(V, 1), ...steps(R, 6), ...steps(V, 2)];
