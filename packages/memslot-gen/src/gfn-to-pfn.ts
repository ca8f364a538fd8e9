import type { Steps } from '@kvmrace/core';
import type { GfnXSlot, MemslotGenState } from './state.js';

/**
 * `gfn_to_pfn()` -> `__gfn_to_memslot(kvm_memslots(kvm), gfn)`: one step, an `rcu_dereference` of
 * `kvm->memslots` and a lookup of gfn_X in that set. No slot gives `KVM_PFN_NOSLOT`: MMIO.
 * Returns what the lookup found and the name of the set it looked in.
 */
export function* gfnToPfn(s: MemslotGenState): Steps<{ slot: GfnXSlot; from: string }> {
  const slots = yield* s.memslots.read('__gfn_to_memslot(kvm_memslots(kvm), gfn_X)');
  return { slot: slots.gfn_X, from: slots.name };
}
