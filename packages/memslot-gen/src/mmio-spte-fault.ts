import { makeStep, type Steps, type Thread } from '@kvmrace/core';
import type { MemslotGenFix } from './fixes.js';
import { spteGenerationTag } from './generation.js';
import { gfnToPfn } from './gfn-to-pfn.js';
import type { MemslotGenState } from './state.js';

/**
 * `mark_mmio_spte(kvm, sptep, gfn, access)`: one step. `gen = kvm_current_mmio_generation(kvm)` is a
 * fresh dereference of `kvm->memslots`; the spte keeps `generation_mmio_spte_mask(gen)`.
 */
function* markMmioSpte(s: MemslotGenState, t: Thread<MemslotGenFix>): Steps {
  yield makeStep('spte = mmio | generation_mmio_spte_mask(kvm_current_mmio_generation(kvm))', [
    { obj: s.memslots, mode: 'read' },
    { obj: s.spte, mode: 'write' },
  ]);
  s.spte.value = { mmio: 'gfn_X', gen: spteGenerationTag(s.memslots.value.generation, t) };
}

/**
 * `tdp_page_fault()` for gfn_X, inside the caller's SRCU read section: `gfn_to_pfn()`, then
 * `__direct_map()` -> `mmu_set_spte()`, which for `KVM_PFN_NOSLOT` calls `set_mmio_spte()` ->
 * `mark_mmio_spte()` and otherwise installs a normal spte. `mmu_lock` and the
 * `mmu_notifier_retry()` check around `__direct_map()` are left out: nothing else here writes the
 * spte under it, and the race does not go through them.
 */
export function* tdpPageFault(s: MemslotGenState, t: Thread<MemslotGenFix>): Steps {
  const { slot } = yield* t.within('tdp_page_fault', gfnToPfn(s)); // pfn = gfn_to_pfn(kvm, gfn_X)
  if (slot === 'none') {
    yield* t.within('mark_mmio_spte', markMmioSpte(s, t)); //        set_mmio_spte(): is_noslot_pfn(pfn)
  } else {
    yield* t.within('__direct_map', s.spte.write('RAM', 'mmu_set_spte(): spte = pfn of gfn_X (RAM)'));
  }
}

/**
 * The MMIO-SPTE flavour of the exit that caches an MMIO decision (PROTOCOLS.md D, V1..V5): an EPT
 * violation on gfn_X, handled with `kvm->srcu` held; the decision is cached in the spte itself,
 * tagged with the generation.
 */
export function* mmioSpteFault(s: MemslotGenState, t: Thread<MemslotGenFix>): Steps {
  yield* s.srcu.readLock(); //            V1 vcpu->srcu_idx = srcu_read_lock(&kvm->srcu);
  yield* tdpPageFault(s, t); //           V2..V4 gfn_to_pfn(); mark_mmio_spte()
  yield* s.srcu.readUnlock(); //          V5 srcu_read_unlock(&kvm->srcu, vcpu->srcu_idx);
}
