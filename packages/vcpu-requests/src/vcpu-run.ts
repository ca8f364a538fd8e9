import type { Steps, Thread } from '@kvmrace/core';
import type { VcpuRequestsFix } from './fixes.js';
import type { VcpuRequestsState } from './state.js';
import { vcpuEnterGuest } from './vcpu-enter-guest.js';

/** Guest entries one `vcpu_run` tries before it gives up (each abort or exit costs one). */
export const MAX_ENTRIES = 3;

/**
 * `kvm_arch_vcpu_ioctl_run()` -> `vcpu_run()` (x86.c): take `kvm->srcu`, then enter the guest
 * until it stays in (the run ends with the guest running) or the bound is reached.
 */
export function* vcpuRun(s: VcpuRequestsState, t: Thread<VcpuRequestsFix>): Steps {
  yield* s.srcu.readLock(); //                                kvm_vcpu_srcu_read_lock(vcpu);
  for (let entry = 0; entry < MAX_ENTRIES; entry++) {
    if ((yield* t.within('vcpu_enter_guest', vcpuEnterGuest(s, t))) === 'in-guest') return;
  }
  t.gaveUp(`vcpu_run entered the guest ${MAX_ENTRIES} times`);
}
