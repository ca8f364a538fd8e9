/**
 * @kvmrace/memslot-gen: memslot generation and the MMIO caches (seed 003). See README.md for the
 * race, the toggles and which fix covers which cache.
 */
export { memslotGen } from './model.js';
export type { GfnXSlot, MemslotGenState, Memslots, MmioInfo, Spte } from './state.js';
export type { MemslotGenFix } from './fixes.js';
export type { MemslotGenOperation } from './scenarios.js';
export { memslotGenFixes, memslotGenVariants } from './fixes.js';
export { mmioInfoHits, spteGenerationTag, spteHits } from './generation.js';
export { I_D } from './mmio-decision.js';
