import type { Thread } from '@kvmrace/core';
import type { MemslotGenFix } from './fixes.js';
import type { MemslotGenState } from './state.js';

/** The name of the invariant, and of the inline check at a cache hit. */
export const I_D = 'I_D';

/**
 * A cache hit sends the access down the MMIO route (exit to userspace or emulate). Outside an
 * update that must agree with the installed memslots: gfn_X must have no slot. Called in the step
 * that read the current generation, so `kvm->memslots` is what that step saw.
 */
export function assertHitAgrees(s: MemslotGenState, t: Thread<MemslotGenFix>, cache: string): void {
  const slots = s.memslots.value;
  if (s.updating > 0) return; // inside U1..U4 a hit on the old decision is allowed (PROTOCOLS.md D)
  t.assert(
    slots.gfn_X === 'none',
    I_D,
    `${cache} hit at generation ${slots.generation} treats gfn_X as MMIO, but ${slots.name} maps it as RAM`,
  );
}
