import type { Steps, Thread } from '@kvmrace/core';
import type { MemslotGenFix } from './fixes.js';
import type { MemslotGenState, Memslots } from './state.js';

/**
 * `install_new_memslots(kvm, slots, new)` (virt/kvm/kvm_main.c), under `slots_lock`:
 * - U1+U2, one step: the new set's generation is the old one + 1 (`update_memslots()`, BUGGY; or
 *   `install_new_memslots()` itself after `WARN_ON(old_memslots->generation & 1)`, FIXED), then
 *   `rcu_assign_pointer(kvm->memslots, slots)`. Building the private copy is thread-local work,
 *   folded into the publishing step (PROTOCOLS.md section 0);
 * - U3: `synchronize_srcu_expedited(&kvm->srcu)`: snapshot the readers, wait for those only;
 * - U4, FIXED only: `slots->generation++` ("prevents vm exits that race with memslot updates from
 *   caching a memslot generation that will (potentially) be valid forever");
 * - U5: `kvm_arch_memslots_updated(kvm)`.
 * The ghost `updating` counts the updater as inside U1..U4 (U1..U3 when BUGGY): I_D's window.
 */
export function* installNewMemslots(s: MemslotGenState, t: Thread<MemslotGenFix>, next: (old: Memslots) => Memslots): Steps {
  const second = t.fixed('second-increment-after-synchronize');
  // rcu_assign_pointer() is a release store. The new set's generation is written (plain) into
  // the private copy before it, from the old set's, which only slots_lock holders write: one
  // release RMW of kvm->memslots, whose read is the latest set either way. The set and its
  // generation are one location: readers reach the generation through the pointer they loaded
  // (an address dependency, which core does not model; one location gives that order, no more).
  yield* s.memslots.atomic((old) => {
    if (second) t.warnOn((old.generation & 1) !== 0, `install_new_memslots(): old_memslots->generation ${old.generation} is odd`);
    s.updating++;
    return { ...next(old), generation: old.generation + 1 };
  }, 'release', 'slots->generation = old + 1; rcu_assign_pointer(kvm->memslots, slots)');
  yield* t.within('synchronize_srcu_expedited', s.srcu.synchronize()); // U3
  if (!second) s.updating--; //                                         BUGGY: the update is over once readers are gone
  if (second) {
    // U4: a plain store in the kernel (slots->generation++; later slots->generation = gen), read
    // by vCPUs without slots_lock: marked here (README, "Memory ordering": the data race).
    yield* s.memslots.update((cur) => ({ ...cur, generation: cur.generation + 1 }), 'slots->generation++'); // U4
    s.updating--;
  }
  yield* t.within('kvm_arch_memslots_updated', kvmMmuInvalidateMmioSptes(s)); // U5
}

/**
 * `kvm_arch_memslots_updated()` -> `kvm_mmu_invalidate_mmio_sptes(kvm)`: zaps every MMIO spte only
 * when `kvm_current_mmio_generation(kvm)` wraps around. The model's generation is 64 bits and never
 * wraps, so this is one read step that does nothing (PROTOCOLS.md D, "Subtleties").
 */
function* kvmMmuInvalidateMmioSptes(s: MemslotGenState): Steps {
  yield* s.memslots.read('kvm_mmu_invalidate_mmio_sptes(): generation wrapped? (never, 64-bit)');
}

/**
 * `kvm_vm_ioctl_set_memory_region()` -> `kvm_set_memory_region()`: `mutex_lock(&kvm->slots_lock)`,
 * `__kvm_set_memory_region()`, unlock. The first call creates the RAM slot holding gfn_X
 * (`KVM_MR_CREATE`: gfn_X turns from MMIO into RAM); a later one changes only that slot's flags
 * (`KVM_MR_FLAGS_ONLY`, dirty logging on), so gfn_X stays RAM and only the generation moves.
 * Deleting or moving the slot (two installs, `KVM_MEMSLOT_INVALID`, `kvm_arch_flush_shadow_memslot`)
 * is not modelled.
 */
export function* setMemoryRegion(s: MemslotGenState, t: Thread<MemslotGenFix>): Steps {
  yield* s.slotsLock.lock(); //                     mutex_lock(&kvm->slots_lock);
  const name = `S${++s.installs}`; //               slots = kmemdup(kvm->memslots); new slot / new flags
  yield* t.within('install_new_memslots', installNewMemslots(s, t, (old) => ({ ...old, name, gfn_X: 'RAM' })));
  yield* s.slotsLock.unlock(); //                   mutex_unlock(&kvm->slots_lock);
}
