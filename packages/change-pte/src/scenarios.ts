import type { ScenarioSpace } from '@kvmrace/core';

/** The operation vocabulary. */
export type ChangePteOperation = 'page_fault' | 'ksm_replace_page' | 'invalidate_range';

/**
 * Up to three CPUs and four operations in all. The initial state is fixed (the primary MMU maps
 * P0, KVM maps nothing); a `page_fault` first in a thread gives the "spte already present" start.
 */
export const changePteScenarios: ScenarioSpace<ChangePteOperation> = {
  minThreads: 1,
  maxThreads: 3,
  maxOpsPerThread: 2,
  maxOps: 4,
  catalogue: [
    { name: 'fault-vs-ksm', threads: [['page_fault'], ['ksm_replace_page']] },
    { name: 'fault-vs-invalidate', threads: [['page_fault'], ['invalidate_range']] },
    { name: 'mapped-fault-vs-ksm', threads: [['page_fault', 'page_fault'], ['ksm_replace_page']] },
    { name: 'fault-vs-two-ksm', threads: [['page_fault'], ['ksm_replace_page', 'ksm_replace_page']] },
    { name: 'fault-vs-ksm-vs-invalidate', threads: [['page_fault'], ['ksm_replace_page'], ['invalidate_range']] },
    { name: 'two-faults-vs-ksm', threads: [['page_fault'], ['page_fault'], ['ksm_replace_page']] },
  ],
};
