import { defineModel } from '@kvmrace/core';
import { vcpuRequestsBarriers, vcpuRequestsFixes } from './fixes.js';
import { noLostWakeup, requestStateSeen } from './invariants.js';
import { makeRequestAndKick } from './kvm-vcpu-kick.js';
import { vcpuRequestsScenarios } from './scenarios.js';
import { describeVcpuRequests, setupVcpuRequests } from './state.js';
import { vcpuRun } from './vcpu-run.js';

/**
 * vCPU requests and kicks (Documentation/virt/kvm/vcpu-requests.rst, "Ensuring Requests Are
 * Seen"): the entry path's IN_GUEST_MODE store and last request check against a requester's
 * set_bit and the kick's cmpxchg on vcpu->mode, a Dekker pattern.
 */
export const vcpuRequests = defineModel({
  name: 'vcpu-requests',
  title: 'vCPU requests vs guest entry: the vcpu->mode / vcpu->requests Dekker pattern (x86, v6.8)',
  summary:
    'vcpu_enter_guest() stores IN_GUEST_MODE, orders it with smp_mb__after_srcu_read_unlock() and checks ' +
    'kvm_request_pending() before entry; kvm_make_request() sets the bit and kvm_vcpu_kick() sends an IPI only when ' +
    'its cmpxchg finds IN_GUEST_MODE. With the check before the store (found under sc) or without the full barrier ' +
    '(store buffering: found only under tso and lkmm) both sides miss each other and the vCPU runs in guest mode ' +
    'with the request pending and no IPI on the way.',
  sources: [
    'Documentation/virt/kvm/vcpu-requests.rst: "Ensuring Requests Are Seen", "VCPU Requests with Associated State"',
    'arch/x86/kvm/x86.c (v6.8): vcpu_enter_guest(), kvm_vcpu_exit_request(), kvm_arch_vcpu_should_kick()',
    'virt/kvm/kvm_main.c (v6.8): kvm_vcpu_kick()',
    'include/linux/kvm_host.h (v6.8): kvm_make_request(), kvm_check_request(), kvm_request_pending(), kvm_vcpu_exiting_guest_mode()',
  ],
  fixes: vcpuRequestsFixes,
  barriers: vcpuRequestsBarriers,
  operations: {
    vcpu_run: {
      summary: 'KVM_RUN: service requests, store IN_GUEST_MODE, full barrier, last request check, enter the guest (up to 3 entries)',
      kernel: 'kvm_arch_vcpu_ioctl_run() -> vcpu_run() -> vcpu_enter_guest()',
      run: (s, t) => t.within('vcpu_run', vcpuRun(s, t)),
    },
    make_request_and_kick: {
      summary: "write the request's state, kvm_make_request() (smp_wmb, set_bit), kvm_vcpu_kick() (cmpxchg IN -> EXITING, IPI if it was IN)",
      kernel: 'kvm_make_request() + kvm_vcpu_kick()',
      run: makeRequestAndKick,
    },
  },
  setup: setupVcpuRequests,
  invariants: [noLostWakeup, requestStateSeen],
  scenarios: vcpuRequestsScenarios,
  describeState: describeVcpuRequests,
});
