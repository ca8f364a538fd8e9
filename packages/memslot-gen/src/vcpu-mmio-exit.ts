import { makeStep, type Steps, type Thread } from '@kvmrace/core';
import type { MemslotGenFix } from './fixes.js';
import { gfnToPfn } from './gfn-to-pfn.js';
import type { MemslotGenState } from './state.js';

/**
 * `vcpu_cache_mmio_info(vcpu, gva, gfn, access)`: one step. `vcpu->arch.mmio_gen =
 * kvm_memslots(vcpu->kvm)->generation` is a FRESH dereference of `kvm->memslots`, not of the set
 * the lookup used, so it can see the new set's generation (x86.h, 3.x era).
 */
export function* vcpuCacheMmioInfo(s: MemslotGenState, t: Thread<MemslotGenFix>): Steps {
  const info = s.mmioInfo[t.tid];
  if (!info) t.oops(`no mmio info cache for vcpu${t.tid}`);
  yield makeStep('mmio_gfn = gfn_X; mmio_gen = kvm_memslots(kvm)->generation', [
    { obj: s.memslots, mode: 'read' },
    { obj: info, mode: 'write' },
  ]);
  info.value = { mmio_gfn: 'gfn_X', mmio_gen: s.memslots.value.generation };
}

/**
 * The per-vCPU-cache flavour of the exit that caches an MMIO decision (PROTOCOLS.md D, V1..V5):
 * `vcpu_enter_guest()` re-takes `kvm->srcu` after the exit, `tdp_page_fault()` looks gfn_X up with
 * `gfn_to_pfn()`, and `handle_abnormal_pfn()` caches a `KVM_PFN_NOSLOT` result with
 * `vcpu_cache_mmio_info()`. A RAM result is mapped by `__direct_map()`, which this flavour does not
 * track (see `mmio_spte_fault` for the spte).
 */
export function* vcpuMmioExit(s: MemslotGenState, t: Thread<MemslotGenFix>): Steps {
  yield* s.srcu.readLock(); //                                   V1 vcpu->srcu_idx = srcu_read_lock(&kvm->srcu);
  const { slot } = yield* t.within('tdp_page_fault', gfnToPfn(s)); // V2 pfn = gfn_to_pfn(kvm, gfn_X)
  if (slot === 'none') {
    //                                                           V3+V4 handle_abnormal_pfn(): is_noslot_pfn(pfn)
    yield* t.within('vcpu_cache_mmio_info', vcpuCacheMmioInfo(s, t));
  }
  yield* s.srcu.readUnlock(); //                                 V5 srcu_read_unlock(&kvm->srcu, vcpu->srcu_idx);
}
