import type { Srcu, Var, World } from '@kvmrace/core';

/** `vcpu->mode` (include/linux/kvm_host.h); READING_SHADOW_PAGE_TABLES is left out. */
export type VcpuMode = 'OUTSIDE_GUEST_MODE' | 'IN_GUEST_MODE' | 'EXITING_GUEST_MODE';

/** The one request the model makes: its bit in `vcpu->requests` (a KVM_REQ_EVENT-like request). */
export const KVM_REQ_EVENT = 1;

/** The shared state of one run: one vCPU, its mode and requests, and the state a request carries. */
export interface VcpuRequestsState {
  /** `vcpu->mode`: written by the vCPU thread, moved IN -> EXITING by a kicker's cmpxchg. */
  readonly mode: Var<VcpuMode>;
  /** `vcpu->requests`: the request bitmap, set_bit() by requesters, clear_bit() by the vCPU. */
  readonly requests: Var<number>;
  /** The state a request hands over (what `kvm_check_request()`'s caller reads after the bit). */
  readonly requestData: Var<number>;
  /** `kvm->srcu`: the vCPU holds it outside guest mode and drops it just before entry. */
  readonly srcu: Srcu;
  /** Ghost: the vCPU thread is running the guest (entered, not exited). */
  inGuest: boolean;
  /** Ghost: reschedule IPIs sent to the vCPU's CPU and not yet taken (each forces a VM-exit). */
  ipiPending: number;
  /** Ghost: the request data a handler read that was not the requester's (a stale read). */
  staleData: number | null;
}

/** The initial state: the vCPU outside guest mode, no request, no IPI. */
export function setupVcpuRequests(w: World): VcpuRequestsState {
  return {
    mode: w.var<VcpuMode>('vcpu->mode', 'OUTSIDE_GUEST_MODE'),
    requests: w.var('vcpu->requests', 0),
    requestData: w.var('request data', 0),
    srcu: w.srcu('kvm->srcu'),
    inGuest: false,
    ipiPending: 0,
    staleData: null,
  };
}

/** True when KVM_REQ_EVENT is set in the coherence-latest `vcpu->requests`. */
export function requestPending(s: VcpuRequestsState): boolean {
  return (s.requests.value & KVM_REQ_EVENT) !== 0;
}

/** The state in a few words, for the end of a race table. */
export function describeVcpuRequests(s: VcpuRequestsState): string {
  return `vcpu->mode=${s.mode.value}, vcpu->requests=${s.requests.value}, ${s.inGuest ? 'vCPU in guest' : 'vCPU outside guest'}, IPIs pending ${s.ipiPending}`;
}
