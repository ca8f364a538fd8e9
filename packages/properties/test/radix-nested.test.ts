import { radixNested } from '@kvmrace/radix-nested';
import { modelSuite } from './suite.js';

// PROTOCOLS.md A: 2 threads, 11 steps, 2 context switches. The nested fault is preempted once
// after reading the L1 pte; test_clear_dirty runs to its end and the switch back is forced:
// 1 engine preemption.
modelSuite(radixNested, {
  threads: 2,
  operations: 2,
  preemptions: 1,
  switches: 2,
  scenario: [['nested_page_fault'], ['test_clear_dirty']],
  failure: 'violation:I_A',
});
