import { lkmmModel } from './lkmm/lkmm.js';
import type { MemoryModel, MemoryModelName } from './model.js';
import { scModel } from './sc/sc.js';
import { tsoModel } from './tso/tso.js';

/** The model of each name. */
export const MEMORY_MODELS: Readonly<Record<MemoryModelName, MemoryModel>> = { sc: scModel, tso: tsoModel, lkmm: lkmmModel };

export function isMemoryModelName(s: string): s is MemoryModelName {
  return s === 'sc' || s === 'tso' || s === 'lkmm';
}
