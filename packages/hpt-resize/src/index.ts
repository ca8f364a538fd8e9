/**
 * @kvmrace/hpt-resize: PPC Book3S HV HPT resizing vs HPT updates (fix 38c53af85306) as a kvmrace
 * model.
 */
export { hptResize } from './model.js';
export type { HptResizeState, Rmap } from './state.js';
export type { HptFix } from './fixes.js';
export type { HptOp } from './scenarios.js';
export type { HpteV, HptGen } from './layout.js';
export { FIX_COMMIT } from './fixes.js';
