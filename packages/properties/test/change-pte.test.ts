import { changePte } from '@kvmrace/change-pte';
import { modelSuite } from './suite.js';

// PROTOCOLS.md C: unbracketed caller, 2 threads, 2 context switches: the fault is preempted once
// after get_user_pages, ksm_replace_page runs to its end, the switch back is forced: 1 preemption.
modelSuite(changePte, {
  threads: 2,
  operations: 2,
  preemptions: 1,
  switches: 2,
  scenario: [['page_fault'], ['ksm_replace_page']],
  failure: 'violation:I_C',
});
