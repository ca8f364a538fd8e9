import type { Steps, Thread } from '@kvmrace/core';
import type { MemslotGenFix } from './fixes.js';
import { mmioInfoHits } from './generation.js';
import { gfnToPfn } from './gfn-to-pfn.js';
import { assertHitAgrees } from './mmio-decision.js';
import type { MemslotGenState } from './state.js';

/**
 * The per-vCPU-cache flavour of a later access to gfn_X (PROTOCOLS.md D, V6), in the emulator:
 * `emulator_read_write_onepage()` -> `vcpu_mmio_gva_to_gpa()` uses the cached translation when
 * `vcpu_match_mmio_gva()` / `vcpu_match_mmio_gpa()` hold, and those start with
 * `vcpu_match_mmio_gen()`: `vcpu->arch.mmio_gen == kvm_memslots(vcpu->kvm)->generation`. A hit goes
 * straight to the MMIO route; a miss takes the slow path (`read_write_emulate()` ->
 * `kvm_read_guest()`, a fresh memslot lookup, which is always right). Exit handling runs inside
 * `kvm->srcu`.
 */
export function* mmioAccess(s: MemslotGenState, t: Thread<MemslotGenFix>): Steps {
  const info = s.mmioInfo[t.tid];
  if (!info) t.oops(`no mmio info cache for vcpu${t.tid}`);
  yield* s.srcu.readLock(); //                                   vcpu->srcu_idx = srcu_read_lock(&kvm->srcu);
  // vcpu_match_mmio_gen(vcpu): kvm_memslots(vcpu->kvm)->generation, an srcu_dereference() and a
  // plain load through it (one marked read of the one location, state.ts), against mmio_gen,
  // which only this vCPU writes.
  const slots = yield* t.within('vcpu_mmio_gva_to_gpa', s.memslots.read('mmio_gen == kvm_memslots(kvm)->generation?'));
  if (mmioInfoHits(info.value, slots.generation)) {
    assertHitAgrees(s, t, `vcpu${t.tid}'s mmio_gen cache`, slots); // return 1: the emulator takes the mmio route
  } else {
    yield* t.within('kvm_read_guest', gfnToPfn(s)); //           slow path: read_write_emulate() looks gfn_X up
  }
  yield* s.srcu.readUnlock(); //                                 srcu_read_unlock(&kvm->srcu, vcpu->srcu_idx);
}
