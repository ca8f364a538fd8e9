import { hptResize } from '@kvmrace/hpt-resize';
import { modelSuite } from './suite.js';

// PROTOCOLS.md B gives 2 context switches (guest-entry path) and 3 (fault path). The engine finds
// a smaller one in this model: resize_commit rehashes OLD and is preempted once before the pivot;
// page_fault then runs on OLD and writes an HPTE the rehash already visited (I_B2), 1 switch,
// 1 preemption. The minimiser proves nothing with 0 preemptions fails.
modelSuite(hptResize, {
  threads: 2,
  operations: 2,
  preemptions: 1,
  switches: 1,
  scenario: [['resize_commit'], ['page_fault']],
  failure: 'violation:I_B2',
});
