import type { Steps, Thread } from '@kvmrace/core';
import type { VcpuRequestsFix } from './fixes.js';
import { KVM_REQ_EVENT, type VcpuRequestsState } from './state.js';

/** `kvm_make_request()` (kvm_host.h): `smp_wmb(); set_bit(req, &vcpu->requests);`. */
function* kvmMakeRequest(s: VcpuRequestsState, t: Thread<VcpuRequestsFix>): Steps {
  t.smp_wmb('kvm_make_request'); //                          "Ensure the rest of the request is published to kvm_check_request's caller."
  yield* s.requests.atomic((r) => r | KVM_REQ_EVENT, 'noreturn', 'set_bit(KVM_REQ_EVENT, &vcpu->requests)');
}

/**
 * `kvm_vcpu_exiting_guest_mode()` (kvm_host.h): `smp_mb__before_atomic(); return
 * cmpxchg(&vcpu->mode, IN_GUEST_MODE, EXITING_GUEST_MODE);`.
 */
function* kvmVcpuExitingGuestMode(s: VcpuRequestsState, t: Thread<VcpuRequestsFix>): Steps<string> {
  t.smp_mb__before_atomic('kvm_vcpu_exiting_guest_mode'); // "pairs with the general memory barrier following the write of vcpu->mode"
  return yield* s.mode.cmpxchg('IN_GUEST_MODE', 'EXITING_GUEST_MODE', 'cmpxchg(&vcpu->mode, IN_GUEST_MODE, EXITING_GUEST_MODE)');
}

/**
 * `kvm_vcpu_kick()` (virt/kvm/kvm_main.c, v6.8) from another thread: the vCPU is not sleeping
 * (`kvm_vcpu_wake_up()` finds nobody), so `kvm_arch_vcpu_should_kick()` decides whether to send
 * the reschedule IPI: only when the cmpxchg found IN_GUEST_MODE.
 */
function* kvmVcpuKick(s: VcpuRequestsState, t: Thread<VcpuRequestsFix>): Steps {
  const old = yield* t.within('kvm_vcpu_exiting_guest_mode', kvmVcpuExitingGuestMode(s, t)); // x86 kvm_arch_vcpu_should_kick()
  if (old !== 'IN_GUEST_MODE') return;
  yield* t.step('smp_send_reschedule(cpu)', {});
  s.ipiPending++;
}

/** A requester hands the vCPU some state and a request, then kicks it (`kvm_make_request()` + `kvm_vcpu_kick()`). */
export function* makeRequestAndKick(s: VcpuRequestsState, t: Thread<VcpuRequestsFix>): Steps {
  yield* s.requestData.write(1, 'WRITE_ONCE(state the request carries, 1)');
  yield* t.within('kvm_make_request', kvmMakeRequest(s, t));
  yield* t.within('kvm_vcpu_kick', kvmVcpuKick(s, t));
}
