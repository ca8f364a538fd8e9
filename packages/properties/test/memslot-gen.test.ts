import { memslotGen } from '@kvmrace/memslot-gen';
import { modelSuite } from './suite.js';

// PROTOCOLS.md D gives 4 context switches, counting the later access V6 as a fifth row. This
// model checks I_D as soon as the update is over, so V6 is not needed: CPU0 (vcpu_mmio_exit) is
// preempted once after looking up S0; set_memory_region publishes S1 and blocks in
// synchronize_srcu (forced switch); CPU0 reads generation 1 and unlocks; the updater finishes.
// 3 context switches, 1 engine preemption.
modelSuite(memslotGen, {
  threads: 2,
  operations: 2,
  preemptions: 1,
  switches: 3,
  scenario: [['vcpu_mmio_exit'], ['set_memory_region']],
  failure: 'violation:I_D',
});
