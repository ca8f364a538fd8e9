import type { Thread } from '@kvmrace/core';
import type { MemslotGenFix } from './fixes.js';
import type { MmioInfo, Spte } from './state.js';

/**
 * `generation_mmio_spte_mask(gen)` as far as the tag goes: FIXED masks with `MMIO_GEN_LOW_MASK =
 * (1 << MMIO_GEN_LOW_SHIFT) - 2`, dropping bit 0 ("the low bit of the generation number is always
 * presumed to be zero"); BUGGY (`(1 << 9) - 1`, [RECON]) keeps it. The 19-bit truncation and the
 * `MMIO_MAX_GEN - 150` bias of `kvm_current_mmio_generation()` are left out (PROTOCOLS.md D).
 */
export function spteGenerationTag(gen: number, t: Pick<Thread<MemslotGenFix>, 'fixed'>): number {
  return t.fixed('spte-ignores-low-bit') ? gen & ~1 : gen;
}

/**
 * `check_mmio_spte()`: `kvm_gen == spte_gen`, the current (unmasked) generation against the tag the
 * SPTE holds. With the low bit dropped from the tag, an odd current generation never matches.
 */
export function spteHits(spte: Spte, currentGen: number): boolean {
  return typeof spte === 'object' && spte.gen === currentGen;
}

/** `vcpu_match_mmio_gen()` + the gfn check of `vcpu_match_mmio_gpa()`: the per-vCPU cache is used for gfn_X. */
export function mmioInfoHits(info: MmioInfo, currentGen: number): boolean {
  return info.mmio_gfn === 'gfn_X' && info.mmio_gen === currentGen;
}
