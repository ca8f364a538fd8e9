import type { MemoryModel } from '../model.js';
import { scModel } from '../sc/sc.js';
// Placeholder until the LKMM axioms land.
export const lkmmModel: MemoryModel = { name: 'lkmm', check: (g) => scModel.check(g) };
