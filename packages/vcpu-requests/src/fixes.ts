import type { BarrierSpec, FixSpec } from '@kvmrace/core';

/**
 * The one ordering toggle. Off (`buggy`), `vcpu_enter_guest()` makes its last
 * `kvm_request_pending()` check before it stores IN_GUEST_MODE: a constructed mutant of the rule
 * in Documentation/virt/kvm/vcpu-requests.rst, not a historical bug.
 */
export type VcpuRequestsFix = 'mode-before-request-check';

export const vcpuRequestsFixes: { readonly [K in VcpuRequestsFix]: FixSpec } = {
  'mode-before-request-check': {
    commit: '000000000000',
    summary:
      'vcpu_enter_guest() stores vcpu->mode = IN_GUEST_MODE, then smp_mb__after_srcu_read_unlock(), then checks kvm_request_pending() ' +
      '(vcpu-requests.rst, "Ensuring Requests Are Seen"; x86.c as of v6.8): the Dekker pattern with kvm_vcpu_exiting_guest_mode()',
  },
};

/**
 * The barriers on the path, each a toggle named after its function (x86, v6.8). The first two
 * are the Dekker pair of vcpu-requests.rst; the next two order the state a request carries.
 */
export const vcpuRequestsBarriers: { readonly [name: string]: BarrierSpec } = {
  'vcpu_enter_guest:smp_mb__after_srcu_read_unlock': {
    summary: 'orders the IN_GUEST_MODE store before the kvm_request_pending() check ("We should set ->mode before checking ->requests")',
    pairsWith: ['kvm_vcpu_exiting_guest_mode:smp_mb__before_atomic'],
  },
  'kvm_vcpu_exiting_guest_mode:smp_mb__before_atomic': {
    summary: 'orders the request bit before the read of vcpu->mode ("pairs with the general memory barrier following the write of vcpu->mode in VCPU RUN")',
    pairsWith: ['vcpu_enter_guest:smp_mb__after_srcu_read_unlock'],
  },
  'kvm_make_request:smp_wmb': {
    summary: "publishes the rest of the request before its bit (\"Paired with the smp_mb__after_atomic in kvm_check_request\")",
    pairsWith: ['kvm_check_request:smp_mb__after_atomic'],
  },
  'kvm_check_request:smp_mb__after_atomic': {
    summary: 'orders clearing the bit before reading the rest of the request ("Paired with the smp_wmb in kvm_make_request")',
    pairsWith: ['kvm_make_request:smp_wmb'],
  },
  'vcpu_enter_guest:smp_wmb': {
    summary: 'after vcpu->mode = OUTSIDE_GUEST_MODE on the abort and exit paths (x86.c names no pairing)',
  },
};
