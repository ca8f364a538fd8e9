import type { ScenarioSpace } from '@kvmrace/core';

/** The operation vocabulary. */
export type HptOp = 'vcpu_run' | 'page_fault' | 'resize_commit' | 'setup_htab';

/**
 * What scenarios may contain: up to three CPUs and four operations, at most one resize commit
 * (the model has one pending resize: OLD to NEW). Catalogue smallest first.
 */
export const hptResizeScenarios: ScenarioSpace<HptOp> = {
  minThreads: 1,
  maxThreads: 3,
  maxOpsPerThread: 2,
  maxOps: 4,
  catalogue: [
    { name: 'fault-vs-resize', threads: [['page_fault'], ['resize_commit']] },
    { name: 'run-vs-resize', threads: [['vcpu_run'], ['resize_commit']] },
    { name: 'setup-vs-resize', threads: [['setup_htab'], ['resize_commit']] },
    { name: 'fault-then-run-vs-resize', threads: [['page_fault', 'vcpu_run'], ['resize_commit']] },
    { name: 'run-and-fault-vs-resize', threads: [['vcpu_run'], ['page_fault'], ['resize_commit']] },
    { name: 'two-faults-vs-resize', threads: [['page_fault'], ['page_fault'], ['resize_commit']] },
  ],
  allowed: (threads) => threads.flat().filter((op) => op === 'resize_commit').length <= 1,
};
