/**
 * @kvmrace/change-pte: the `.change_pte()` mmu-notifier model (seed 002). See README.md for the
 * protocol, the toggles and the variant matrix.
 */
export { changePte } from './model.js';
export type { ChangePteState, Pfn, Pte } from './state.js';
export type { ChangePteFix } from './fixes.js';
export type { ChangePteOperation } from './scenarios.js';
export { changePteFixes, changePteVariants } from './fixes.js';
export { MAX_RETRY } from './page-fault.js';
