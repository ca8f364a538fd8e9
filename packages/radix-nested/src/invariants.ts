import type { InvariantSpec } from '@kvmrace/core';
import { formatPte } from './pte.js';
import type { RadixNestedState } from './state.js';

/**
 * I_A: whenever `mmu_lock` is free, a present nested pte's rc bits are a subset of the guest
 * pte's. If `npte` has C without `gpte`, L2 stores go through without a fault, `gpte` never
 * becomes dirty again, and the next dirty-log pass loses those writes (same for R and aging).
 */
export const rcSubsetInvariant: InvariantSpec<RadixNestedState> = {
  name: 'I_A',
  description: "while mmu_lock is free, a present nested pte's rc bits are a subset of the guest pte's",
  when: (s) => s.mmuLock.isFree,
  check: (s) => {
    const n = s.npte.value;
    const g = s.gpte.value;
    if (!n.present) return true;
    const extra = [n.accessed && !g.accessed ? 'R' : '', n.dirty && !g.dirty ? 'C' : ''].filter(Boolean);
    if (extra.length === 0) return true;
    return `npte ${formatPte(n)} has ${extra.join(' and ')} but gpte ${formatPte(g)} does not: ${
      n.dirty && !g.dirty ? 'L2 stores through npte are never logged as dirty' : 'L2 accesses through npte are never seen as references'
    }`;
  },
};
