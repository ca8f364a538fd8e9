import type { InvariantSpec } from '@kvmrace/core';
import { mmioInfoHits, spteHits } from './generation.js';
import { I_D } from './mmio-decision.js';
import { describeSpte, type MemslotGenState } from './state.js';

/**
 * I_D (PROTOCOLS.md D): whenever no updater is inside U1..U4, a cache entry that would hit now
 * agrees with the installed memslots. For both flavours a hit means "gfn_X is MMIO", so it must
 * have no slot; and a normal (RAM) spte must not stand for a gfn with no slot (the reverse).
 * "Would hit" is exactly the check the access does: `vcpu_match_mmio_gen()` for the per-vCPU
 * cache, `check_mmio_spte()` for the spte.
 */
export const iD: InvariantSpec<MemslotGenState> = {
  name: I_D,
  description: 'outside a memslot update, a cache hit agrees with the installed memslots',
  when: (s) => s.updating === 0,
  check: (s) => {
    const slots = s.memslots.value;
    const where = `${slots.name} (generation ${slots.generation}) maps gfn_X as RAM`;
    if (slots.gfn_X === 'RAM') {
      for (let tid = 0; tid < s.mmioInfo.length; tid++) {
        const info = s.mmioInfo[tid]?.value;
        if (info && mmioInfoHits(info, slots.generation)) {
          return `vcpu${tid}'s mmio_gen cache (mmio_gen ${info.mmio_gen}) matches and says gfn_X is MMIO, but ${where}: stale, and valid forever`;
        }
      }
      const spte = s.spte.value;
      if (spteHits(spte, slots.generation)) {
        return `the MMIO spte of gfn_X (${describeSpte(spte)}) matches and says gfn_X is MMIO, but ${where}: stale, and valid forever`;
      }
      return true;
    }
    return s.spte.value !== 'RAM' || `a normal spte maps gfn_X, but ${slots.name} has no slot for it`;
  },
};
