import { makeStep, type Steps, type Thread } from '@kvmrace/core';
import type { HptFix } from './fixes.js';
import { GUEST_ENTRIES_PER_RUN, MAX_RUN_CORE_REFUSALS } from './layout.js';
import { kvmppcRunCore } from './run-core.js';
import { kvmppcHvSetupHtabRma } from './setup-htab.js';
import type { HptResizeState } from './state.js';

/**
 * `kvmppc_vcpu_run_hv()` (one KVM_RUN): before the fix it checks `hpte_setup_done` once, before
 * the run loop; a vCPU the resize IPI kicks out of the guest re-enters through the loop without
 * looking at the flag again.
 */
export function kvmppcVcpuRunHv(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('kvmppc_vcpu_run_hv', kvmppcVcpuRunHvBody(s, t));
}

function* kvmppcVcpuRunHvBody(s: HptResizeState, t: Thread<HptFix>): Steps {
  if (!t.fixed('setup-in-run-loop')) {
    // atomic_inc(&vcpus_running); smp_mb(): left out, it orders vcpus_running for
    // kvmppc_alloc_reset_hpt(), which the model does not have (README, "Under the LKMM").
    // if (!kvm_is_radix(kvm) && !kvm->arch.hpte_setup_done) r = kvmppc_hv_setup_htab_rma(vcpu);
    // A plain load without kvm->lock in the kernel: marked here, as every lockless flag test.
    const done = yield* s.hpteSetupDone.read('if (!kvm->arch.hpte_setup_done) set up HTAB');
    if (!done) yield* kvmppcHvSetupHtabRma(s, t);
  }
  // do { r = kvmppc_run_vcpu(run, vcpu); ... } while (is_kvmppc_resume_guest(r));
  for (let entry = 0; entry < GUEST_ENTRIES_PER_RUN; entry++) yield* kvmppcRunVcpu(s, t);
}

/**
 * `kvmppc_run_vcpu()`: loop until the vCPU has been in the guest once. With the fix the loop
 * checks `hpte_setup_done` on every pass and calls `kvmppc_hv_setup_htab_rma`, which blocks on
 * `kvm->lock` for the whole resize. Without it, a refused entry just loops back into
 * `kvmppc_run_core`: the model blocks that spin until the flag is set again.
 */
export function kvmppcRunVcpu(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('kvmppc_run_vcpu', kvmppcRunVcpuBody(s, t));
}

function* kvmppcRunVcpuBody(s: HptResizeState, t: Thread<HptFix>): Steps {
  for (let refusals = 0; ; refusals++) {
    if (refusals === MAX_RUN_CORE_REFUSALS) t.gaveUp(`kvmppc_run_core refused entry ${refusals} times`);
    if (t.fixed('setup-in-run-loop')) {
      // if (!vcpu->kvm->arch.hpte_setup_done) { spin_unlock(&vc->lock); r = kvmppc_hv_setup_htab_rma(vcpu); ... }
      const done = yield* s.hpteSetupDone.read('if (!kvm->arch.hpte_setup_done) set up HTAB');
      if (!done) yield* kvmppcHvSetupHtabRma(s, t);
    }
    const result = yield* kvmppcRunCore(s, t);
    if (result === 'ran') return;
    if (!t.fixed('setup-in-run-loop')) yield spinUntilSetupDone(s);
  }
}

/**
 * The busy loop `kvmppc_run_vcpu` -> `kvmppc_run_core` -> refuse -> ... as one step that is
 * enabled once `hpte_setup_done` is set again (a watch set, so the search does not drown in
 * spinning). While it is clear, the resize holds `kvm->lock`: that is whom the spinner waits for.
 */
function spinUntilSetupDone(s: HptResizeState) {
  return makeStep('loop back into kvmppc_run_core until hpte_setup_done is set (spins)', [{ obj: s.hpteSetupDone, mode: 'read' }], {
    enabled: () => s.hpteSetupDone.value !== 0,
    waitsFor: () => (s.kvmLock.holder === -1 ? [] : [s.kvmLock.holder]),
  });
}
