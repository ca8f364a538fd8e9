import type { Steps, Thread } from '@kvmrace/core';
import type { HptFix } from './fixes.js';
import type { HptResizeState } from './state.js';

/**
 * `kvmppc_hv_setup_htab_rma()`: under `kvm->lock`, set up the HPT and VRMA unless another vCPU
 * already did. While a resize holds `kvm->lock` this blocks, which is how a vCPU that saw
 * `hpte_setup_done == 0` waits for the resize to end.
 */
export function kvmppcHvSetupHtabRma(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('kvmppc_hv_setup_htab_rma', kvmppcHvSetupHtabRmaBody(s, t));
}

function* kvmppcHvSetupHtabRmaBody(s: HptResizeState, t: Thread<HptFix>): Steps {
  yield* s.kvmLock.lock(); // mutex_lock(&kvm->lock)
  // Plain, as in the kernel: under kvm->lock, which every writer of the flag holds.
  const done = yield* s.hpteSetupDone.plainRead('if (kvm->arch.hpte_setup_done) goto out');
  if (!done) {
    // First-time set-up (kvmppc_map_vrma() inserts the VRMA HPTEs), then publish the flag.
    // Never reached from the model's initial state: a resize clears the flag only while
    // it holds kvm->lock, and sets it again before releasing it.
    yield* t.step('kvmppc_map_vrma(): insert VRMA HPTEs', { reads: [s.hpt] });
    // "Order updates to kvm->arch.lpcr etc. vs. hpte_setup_done"; the store is plain in the
    // kernel and read locklessly by vCPUs, so marked here as the resize's are.
    t.smp_wmb('kvmppc_hv_setup_htab_rma');
    yield* s.hpteSetupDone.write(1, 'kvm->arch.hpte_setup_done = 1');
  }
  yield* s.kvmLock.unlock(); // out: mutex_unlock(&kvm->lock)
}
