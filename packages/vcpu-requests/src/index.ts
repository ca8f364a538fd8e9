/**
 * @kvmrace/vcpu-requests: vCPU requests and kicks against guest entry (issue 20, section 3). See
 * README.md for the race, the toggles and the barriers.
 */
export { vcpuRequests } from './model.js';
export type { VcpuMode, VcpuRequestsState } from './state.js';
export { KVM_REQ_EVENT } from './state.js';
export type { VcpuRequestsFix } from './fixes.js';
export { vcpuRequestsBarriers, vcpuRequestsFixes } from './fixes.js';
export type { VcpuRequestsOperation } from './scenarios.js';
export { MAX_ENTRIES } from './vcpu-run.js';
