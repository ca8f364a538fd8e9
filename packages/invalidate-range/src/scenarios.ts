import type { ScenarioSpace } from '@kvmrace/core';

export type InvalidateRangeOperation = 'fault_in_range' | 'fault_outside_range' | 'invalidate';

export const invalidateRangeScenarios: ScenarioSpace<InvalidateRangeOperation> = {
  minThreads: 2,
  maxThreads: 3,
  maxOpsPerThread: 2,
  maxOps: 3,
  catalogue: [
    { name: 'fault-in-range-vs-invalidate', threads: [['fault_in_range'], ['invalidate']] },
    { name: 'fault-outside-range-vs-invalidate', threads: [['fault_outside_range'], ['invalidate']] },
    { name: 'both-faults-vs-invalidate', threads: [['fault_in_range'], ['fault_outside_range'], ['invalidate']] },
  ],
};
