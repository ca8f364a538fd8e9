import type { ScheduleRuns } from '@kvmrace/core';
import type { RadixNestedOp } from './scenarios.js';

/**
 * The minimal race of PROTOCOLS.md section A as a scripted schedule (runs of one thread):
 * CPU0 takes `gp->tlb_lock` and runs the nested fault up to `spin_unlock` after reading the dirty
 * guest pte (5 steps), CPU1 runs `kvm_radix_test_clear_dirty()` whole (5 steps; the rmap is
 * still empty), CPU0 runs `kvmppc_create_pte()` (6 steps) and inserts a dirty nested pte over a
 * clean guest pte. 2 threads, 2 operations, 1 preemption, 2 context switches, 16 steps.
 */
export const minimalRace: {
  /** The scenario: the fault against one dirty-log pass. */
  readonly scenario: readonly (readonly RadixNestedOp[])[];
  /** The buggy schedule, which breaks I_A at its last step. */
  readonly buggy: ScheduleRuns;
  /**
   * The same interleaving under the fix: it no longer fits the buggy schedule (CPU1 takes one
   * more step, `kvm->mmu_notifier_seq++`), so this is the closest legal one: CPU0 to the same
   * point, CPU1 whole (6 steps), then CPU0 whole: `-EAGAIN` and `mutex_unlock` (4 steps) and a
   * re-fault that reads the clean guest pte (12 steps).
   */
  readonly fixed: ScheduleRuns;
} = {
  scenario: [['nested_page_fault'], ['test_clear_dirty']],
  buggy: [
    [0, 5],
    [1, 5],
    [0, 6],
  ],
  fixed: [
    [0, 5],
    [1, 6],
    [0, 16],
  ],
};
