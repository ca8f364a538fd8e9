import type { Steps, Thread } from '@kvmrace/core';
import type { MemslotGenFix } from './fixes.js';
import { spteHits } from './generation.js';
import { assertHitAgrees } from './mmio-decision.js';
import { tdpPageFault } from './mmio-spte-fault.js';
import type { MemslotGenState } from './state.js';

/**
 * The MMIO-SPTE flavour of a later guest access to gfn_X (PROTOCOLS.md D, V6). The exit is handled
 * inside `kvm->srcu`. `handle_ept_misconfig()` -> `handle_mmio_page_fault_common()` reads the spte
 * (`walk_shadow_page_get_mmio_spte()`) and, for an MMIO spte, `check_mmio_spte()` compares
 * `kvm_current_mmio_generation()` with the spte's tag: a hit emulates the access as MMIO
 * (`RET_MMIO_PF_EMULATE`); a miss (`RET_MMIO_PF_INVALID`) goes to `kvm_mmu_page_fault()` ->
 * `tdp_page_fault()`, which looks gfn_X up again and rewrites the spte. A spte not present is an EPT
 * violation (`tdp_page_fault()` directly); a normal spte means the access never exits.
 */
export function* mmioSpteAccess(s: MemslotGenState, t: Thread<MemslotGenFix>): Steps {
  yield* s.srcu.readLock(); //                                         vcpu->srcu_idx = srcu_read_lock(&kvm->srcu);
  const spte = yield* t.within('handle_ept_misconfig', s.spte.read('spte = walk_shadow_page_get_mmio_spte(gpa)'));
  if (spte === 'RAM') {
    // The guest's access went through the normal spte: no exit, nothing to handle.
  } else if (spte === 'none') {
    yield* t.within('handle_ept_violation', tdpPageFault(s, t)); //   EPT violation -> tdp_page_fault()
  } else {
    // kvm_current_mmio_generation(): kvm_memslots(kvm)->generation, srcu_dereference() and a
    // plain load through it (one marked read of the one location, state.ts).
    const slots = yield* t.within('check_mmio_spte', s.memslots.read(`kvm_gen = kvm_current_mmio_generation(kvm); kvm_gen == spte_gen (${spte.gen})?`));
    if (spteHits(spte, slots.generation)) {
      assertHitAgrees(s, t, `the MMIO spte (gen ${spte.gen})`, slots); //    RET_MMIO_PF_EMULATE: emulate as MMIO
    } else {
      yield* t.within('kvm_mmu_page_fault', tdpPageFault(s, t)); //   RET_MMIO_PF_INVALID: slow path
    }
  }
  yield* s.srcu.readUnlock(); //                                       srcu_read_unlock(&kvm->srcu, vcpu->srcu_idx);
}
