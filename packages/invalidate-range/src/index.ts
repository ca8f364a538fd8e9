/**
 * @kvmrace/invalidate-range: x86's range-based mmu-notifier retry (issue 20, section 3). See
 * README.md for the race, the toggles and the barriers.
 */
export { invalidateRange_ as invalidateRange } from './model.js';
export type { InvalidateRangeState, Pfn } from './state.js';
export { INVALID_GPA, RANGE } from './state.js';
export type { InvalidateRangeFix } from './fixes.js';
export { invalidateRangeBarriers, invalidateRangeFixes, invalidateRangeVariants } from './fixes.js';
export type { InvalidateRangeOperation } from './scenarios.js';
export { MAX_RETRY } from './page-fault.js';
