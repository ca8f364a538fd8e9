import { pfncache } from '@kvmrace/pfncache';
import { modelSuite } from './suite.js';

// PROTOCOLS.md E: refresh vs deactivate, 2 threads, 2 context switches. CPU0 (refresh) is
// preempted once while gpc->lock is dropped; CPU1 (deactivate) runs to its end, and the switch
// back to CPU0 is forced (CPU1 is done), so the engine counts 1 preemption.
//
// The fixed variant tested is `upstream` (6addfcf27139, deactivate-takes-refresh-lock). `fixed`
// (every toggle) also enables `rework-refresh`, the posted and never-applied rework whose
// mmu_notifier_retry_cache() check runs outside gpc->lock: it races with an invalidation
// (I_E2, [refresh] | [invalidate], 1 preemption), which this engine finds in a few hundred runs.
modelSuite(pfncache, {
  threads: 2,
  operations: 2,
  preemptions: 1,
  switches: 2,
  scenario: [['refresh'], ['deactivate']],
  failure: 'violation:I_E1',
}, { fixedVariant: 'upstream' });
