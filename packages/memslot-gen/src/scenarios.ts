import type { ScenarioSpace } from '@kvmrace/core';

/** The operation vocabulary: two per cache flavour, and the memslot update. */
export type MemslotGenOperation = 'vcpu_mmio_exit' | 'mmio_access' | 'mmio_spte_fault' | 'mmio_spte_access' | 'set_memory_region';

/** A thread that updates memslots must not also be a vCPU in these scenarios (kept apart for readability of tables). */
const VCPU_OPS: readonly MemslotGenOperation[] = ['vcpu_mmio_exit', 'mmio_access', 'mmio_spte_fault', 'mmio_spte_access'];

/**
 * Up to three CPUs, three operations per CPU and five in all, at most two `set_memory_region`
 * (the first creates gfn_X's RAM slot, the second only changes its flags). The initial state is
 * fixed: `kvm->memslots -> S0` (generation 0, gfn_X has no slot), caches empty, spte not present.
 * A thread is either a vCPU or the updater, never both.
 */
export const memslotGenScenarios: ScenarioSpace<MemslotGenOperation> = {
  minThreads: 1,
  maxThreads: 3,
  maxOpsPerThread: 3,
  maxOps: 5,
  allowed: (threads) => {
    let updates = 0;
    for (const ops of threads) {
      const u = ops.filter((op) => op === 'set_memory_region').length;
      updates += u;
      if (u > 0 && ops.some((op) => VCPU_OPS.includes(op))) return false;
    }
    return updates <= 2;
  },
  catalogue: [
    // Smallest first: one cache fill against one update, per flavour.
    { name: 'exit-vs-update', threads: [['vcpu_mmio_exit'], ['set_memory_region']] },
    { name: 'spte-fault-vs-update', threads: [['mmio_spte_fault'], ['set_memory_region']] },
    // The commit message's shape: fill, then use the cache after the update (V6).
    { name: 'exit-access-vs-update', threads: [['vcpu_mmio_exit', 'mmio_access'], ['set_memory_region']] },
    { name: 'spte-fault-access-vs-update', threads: [['mmio_spte_fault', 'mmio_spte_access'], ['set_memory_region']] },
    // The spte is shared: one vCPU fills it, another uses it.
    { name: 'spte-two-vcpus-vs-update', threads: [['mmio_spte_fault'], ['mmio_spte_access'], ['set_memory_region']] },
    // Both flavours at once on one vCPU.
    { name: 'both-flavours-vs-update', threads: [['vcpu_mmio_exit', 'mmio_spte_fault', 'mmio_access'], ['set_memory_region']] },
    // Two updates back to back (the second, flags only, moves the generation again).
    { name: 'exit-access-vs-two-updates', threads: [['vcpu_mmio_exit', 'mmio_access'], ['set_memory_region', 'set_memory_region']] },
    { name: 'spte-access-vs-two-updates', threads: [['mmio_spte_access', 'mmio_spte_access'], ['set_memory_region', 'set_memory_region']] },
  ],
};
