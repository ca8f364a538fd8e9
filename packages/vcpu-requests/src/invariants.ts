import type { InvariantSpec } from '@kvmrace/core';
import { requestPending, type VcpuRequestsState } from './state.js';

/**
 * No lost wake-up (vcpu-requests.rst, "Ensuring Requests Are Seen"): when the run ends, a vCPU in
 * guest mode with a request pending has a kick IPI on the way, which forces it out to handle it.
 */
export const noLostWakeup: InvariantSpec<VcpuRequestsState> = {
  name: 'no-lost-wakeup',
  description: 'a vCPU never stays in guest mode with a request pending and no kick IPI on the way',
  at: 'end',
  check: (s) =>
    !s.inGuest ||
    !requestPending(s) ||
    s.ipiPending > 0 ||
    'lost wake-up: the vCPU runs in guest mode with KVM_REQ_EVENT pending and no IPI sent to its CPU',
};

/** The state a request carries is seen by its handler ("VCPU Requests with Associated State"). */
export const requestStateSeen: InvariantSpec<VcpuRequestsState> = {
  name: 'request-state-seen',
  description: 'kvm_check_request() returning true is followed by a read that sees the requester\'s state',
  check: (s) => s.staleData === null || `the vCPU handled KVM_REQ_EVENT but read the request's state as ${s.staleData}, not 1`,
};
