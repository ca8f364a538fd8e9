import type { Steps, Thread } from '@kvmrace/core';
import type { VcpuRequestsFix } from './fixes.js';
import { KVM_REQ_EVENT, type VcpuRequestsState } from './state.js';

/** How one `vcpu_enter_guest()` ended: the guest runs on, or the vCPU is back in the run loop. */
export type EntryResult = 'in-guest' | 'aborted' | 'exited';

/** `kvm_request_pending()` (include/linux/kvm_host.h): `READ_ONCE(vcpu->requests)`. */
function* kvmRequestPending(s: VcpuRequestsState): Steps<boolean> {
  return ((yield* s.requests.read('kvm_request_pending(): READ_ONCE(vcpu->requests)')) & KVM_REQ_EVENT) !== 0;
}

/**
 * `kvm_check_request(KVM_REQ_EVENT)` (kvm_host.h): test_bit, clear_bit, smp_mb__after_atomic();
 * then the caller reads what the request carries.
 */
function* kvmCheckRequest(s: VcpuRequestsState, t: Thread<VcpuRequestsFix>): Steps {
  const bits = yield* s.requests.read('kvm_test_request(): test_bit(KVM_REQ_EVENT)');
  if ((bits & KVM_REQ_EVENT) === 0) return;
  yield* s.requests.atomic((r) => r & ~KVM_REQ_EVENT, 'noreturn', 'kvm_clear_request(): clear_bit(KVM_REQ_EVENT)');
  t.smp_mb__after_atomic('kvm_check_request'); // "Paired with the smp_wmb in kvm_make_request."
  const data = yield* s.requestData.read('read the state the request carries');
  if (data !== 1) s.staleData = data;
}

/** The VM-exit path: `vcpu->mode = OUTSIDE_GUEST_MODE; smp_wmb();`, irqs on, `kvm_vcpu_srcu_read_lock()`. */
function* leaveGuestMode(s: VcpuRequestsState, t: Thread<VcpuRequestsFix>): Steps {
  yield* s.mode.write('OUTSIDE_GUEST_MODE', 'vcpu->mode = OUTSIDE_GUEST_MODE');
  t.smp_wmb('vcpu_enter_guest');
  yield* s.srcu.readLock(); //                                kvm_vcpu_srcu_read_lock(vcpu);
}

/** `kvm_vcpu_exit_request()` (x86.c): `vcpu->mode == EXITING_GUEST_MODE || kvm_request_pending(vcpu)`. */
function* kvmVcpuExitRequest(s: VcpuRequestsState): Steps<boolean> {
  if ((yield* s.mode.read('vcpu->mode == EXITING_GUEST_MODE?')) === 'EXITING_GUEST_MODE') return true;
  return yield* kvmRequestPending(s);
}

/**
 * `vcpu_enter_guest()` (arch/x86/kvm/x86.c, v6.8), the parts that order guest entry against
 * requests: service the pending requests, disable irqs, store IN_GUEST_MODE, drop SRCU, full
 * barrier, check for requests one last time, enter. A kick IPI sent once irqs are off is taken at
 * VM-entry (irqs are enabled atomically with entry) and forces an exit at once.
 */
export function* vcpuEnterGuest(s: VcpuRequestsState, t: Thread<VcpuRequestsFix>): Steps<EntryResult> {
  if (yield* kvmRequestPending(s)) yield* t.within('kvm_check_request', kvmCheckRequest(s, t)); // if (kvm_request_pending(vcpu)) { ... kvm_check_request(KVM_REQ_EVENT, vcpu) ...
  // local_irq_disable(): from here an IPI waits for VM-entry, which it then aborts.
  let exit: boolean;
  if (t.fixed('mode-before-request-check')) {
    yield* s.mode.storeRelease('IN_GUEST_MODE', 'smp_store_release(&vcpu->mode, IN_GUEST_MODE)');
    yield* s.srcu.readUnlock(); //                           kvm_vcpu_srcu_read_unlock(vcpu);
    t.smp_mb__after_srcu_read_unlock('vcpu_enter_guest'); // "1) We should set ->mode before checking ->requests."
    exit = yield* t.within('kvm_vcpu_exit_request', kvmVcpuExitRequest(s)); // if (kvm_vcpu_exit_request(vcpu)) {
  } else {
    // The mutant: the last check first, then the mode store.
    yield* s.srcu.readUnlock();
    t.smp_mb__after_srcu_read_unlock('vcpu_enter_guest');
    exit = yield* t.within('kvm_vcpu_exit_request', kvmVcpuExitRequest(s));
    yield* s.mode.storeRelease('IN_GUEST_MODE', 'smp_store_release(&vcpu->mode, IN_GUEST_MODE)');
  }
  if (exit) {
    yield* leaveGuestMode(s, t); //                          vcpu->mode = OUTSIDE_GUEST_MODE; smp_wmb(); ... goto cancel_injection;
    return 'aborted';
  }
  yield* t.step('VM-entry: kvm_x86_call(vcpu_run)(vcpu)', {});
  s.inGuest = true;
  if (s.ipiPending === 0) return 'in-guest'; //              the guest runs until a kick's IPI arrives
  s.ipiPending--; //                                         the pending IPI forces a VM-exit at once
  s.inGuest = false;
  yield* leaveGuestMode(s, t);
  return 'exited';
}
