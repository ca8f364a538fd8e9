import type { ScenarioSpace } from '@kvmrace/core';

/** The operation names of the model. */
export type RadixNestedOp = 'nested_page_fault' | 'test_clear_dirty' | 'handle_nested_set_rc';

/**
 * The scenario vocabulary: up to 3 CPUs, each running up to 3 of the operations, at most 4 in
 * all. Initial state (fixed, see `state.ts`): `gpte` present with R and C, `npte` absent, the
 * rmap empty, `mmu_notifier_seq` 0, the L1 guest's pte with R and C, the access a store.
 * The catalogue is what `hunt` and `verify` run by default, smallest first.
 */
export const radixNestedScenarios: ScenarioSpace<RadixNestedOp> = {
  minThreads: 1,
  maxThreads: 3,
  maxOpsPerThread: 3,
  maxOps: 4,
  catalogue: [
    { name: 'fault-vs-clear-dirty', threads: [['nested_page_fault'], ['test_clear_dirty']] },
    { name: 'fault-vs-clear-dirty-vs-set-rc', threads: [['nested_page_fault'], ['test_clear_dirty'], ['handle_nested_set_rc']] },
    { name: 'two-faults-vs-clear-dirty', threads: [['nested_page_fault'], ['nested_page_fault'], ['test_clear_dirty']] },
    { name: 'fault-vs-harvest-set-rc-harvest', threads: [['nested_page_fault'], ['test_clear_dirty', 'handle_nested_set_rc', 'test_clear_dirty']] },
    { name: 'set-rc-then-fault-vs-clear-dirty', threads: [['handle_nested_set_rc', 'nested_page_fault'], ['test_clear_dirty']] },
  ],
};
