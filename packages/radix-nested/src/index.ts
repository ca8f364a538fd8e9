/**
 * @kvmrace/radix-nested: the PPC Book3S HV nested radix rc-bit race as a kvmrace model
 * (PROTOCOLS.md section A). `radixNested` is the model; the rest is exported for tests and for
 * readers who want to run one kernel function on its own.
 */
export { radixNested } from './model.js';
export type { RadixNestedState } from './state.js';
export { INITIAL_GPTE, L1_GPTE_RC, MAX_RETRY, N_RMAP, WRITING, setupRadixNested } from './state.js';
export type { RadixNestedFix } from './fixes.js';
export { radixNestedFixes } from './fixes.js';
export type { RadixNestedOp } from './scenarios.js';
export { radixNestedScenarios } from './scenarios.js';
export { rcSubsetInvariant } from './invariants.js';
export type { Pte } from './pte.js';
export { formatPte, PTE_NONE, pte, pteEqual, pteUpdate, PteVar } from './pte.js';
export { EAGAIN, kvmppcCreatePte } from './create-pte.js';
export { kvmhvNestedPageFault, kvmhvNestedPageFaultOnce, nestedPageFault } from './nested-page-fault.js';
export { kvmRadixTestClearDirty, testClearDirty } from './test-clear-dirty.js';
export { handleNestedSetRc, kvmhvHandleNestedSetRc, kvmhvInvalidateShadowPte, kvmppcHvHandleSetRc } from './handle-nested-set-rc.js';
export { kvmhvInsertNestRmap, kvmhvUpdateNestRmapRc, kvmhvUpdateNestRmapRcList } from './nest-rmap.js';
export type { RcBits } from './nest-rmap.js';
export { minimalRace } from './minimal-race.js';
