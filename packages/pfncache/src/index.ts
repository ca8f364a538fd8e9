/**
 * @kvmrace/pfncache: the gfn_to_pfn_cache race between `__kvm_gpc_refresh()` and
 * `kvm_gpc_deactivate()`, with the posted rework and the upstream fix as toggles.
 */
export { pfncache } from './model.js';
export { PFNCACHE_FIXES } from './fixes.js';
export type { PfncacheFix } from './fixes.js';
export { PFNCACHE_CATALOGUE, PFNCACHE_SCENARIOS } from './scenarios.js';
export type { PfncacheOp } from './scenarios.js';
export { INITIAL_MMU_SEQ, KVM_PFN_ERR_FAULT, MAX_RETRY } from './state.js';
export type { Gpc, PfncacheState } from './state.js';
export { pfncacheRetry } from './retry-model.js';
export type { RetryOp } from './retry-model.js';
export { RETRY_FIXES } from './retry-fixes.js';
export type { RetryFix } from './retry-fixes.js';
export type { HvaRange, RetryState } from './retry-state.js';
