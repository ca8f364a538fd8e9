import type { Thread } from '@kvmrace/core';
import type { MemslotGenFix } from './fixes.js';
import type { MemslotGenState, Memslots } from './state.js';

/** The name of the invariant, and of the inline check at a cache hit. */
export const I_D = 'I_D';

/**
 * A cache hit sends the access down the MMIO route (exit to userspace or emulate). Outside an
 * update that must agree with the memslots: gfn_X must have no slot. `seen` is the set the access
 * read the generation from. Under weak memory that may be an older set than the latest (the
 * access's SRCU section began while an update was in flight), and the access is judged by what it
 * saw: with the second increment an odd generation is an update in progress, in which a hit on
 * the old decision is allowed (PROTOCOLS.md D), whether the updater has finished since or not.
 */
export function assertHitAgrees(s: MemslotGenState, t: Thread<MemslotGenFix>, cache: string, seen: Memslots): void {
  if (s.updating > 0) return; // inside U1..U4 a hit on the old decision is allowed (PROTOCOLS.md D)
  if (t.fixed('second-increment-after-synchronize') && (seen.generation & 1) === 1) return;
  t.assert(seen.gfn_X === 'none', I_D, `${cache} hit at generation ${seen.generation} treats gfn_X as MMIO, but ${seen.name} maps it as RAM`);
}
