import type { Steps, Thread } from '@kvmrace/core';
import { pteUpdate, type Pte } from './pte.js';
import type { RadixNestedState } from './state.js';

/** The rc bits one update clears or sets (`_PAGE_ACCESSED`, `_PAGE_DIRTY`). */
export interface RcBits {
  readonly accessed?: boolean;
  readonly dirty?: boolean;
}

/**
 * `kvmhv_insert_nest_rmap()`, called with `mmu_lock` held: one step that adds the entry to the
 * rmap list unless an equal one is there already (`llist_add` puts it at the head).
 */
export function* kvmhvInsertNestRmap(s: RadixNestedState, nRmap: string): Steps {
  yield* s.rmap.update(
    (list) => (list.includes(nRmap) ? list : [nRmap, ...list]), // kvmhv_n_rmap_is_equal() ? return : llist_add()
    'llist_add(n_rmap, rmapp)',
  );
}

/**
 * `kvmhv_update_nest_rmap_rc()`, called with `mmu_lock` held: one step on the shadow pte the entry
 * names. `ptep = find_kvm_nested_guest_pte(kvm, lpid, gpa, &shift); if (ptep && pte_present(*ptep)
 * && (pte_val(*ptep) & mask) == hpa) __radix_pte_update(ptep, clr, set)`. The model has one
 * nested page backed by one host page, so the hpa always matches.
 */
export function* kvmhvUpdateNestRmapRc(s: RadixNestedState, clr: RcBits, set: RcBits): Steps {
  yield* s.npte.update(
    (p: Pte) => (p.present ? pteUpdate(p, clr, set) : p),
    `if (pte_present(*ptep)) __radix_pte_update(ptep, clr=${bitNames(clr)}, set=${bitNames(set)})`,
  );
}

/**
 * `kvmhv_update_nest_rmap_rc_list()`, called with `mmu_lock` held: walks the rmap list of the L1
 * page (one step) and updates the rc bits of every nested pte it names (one step each).
 */
export function* kvmhvUpdateNestRmapRcList(s: RadixNestedState, t: Thread, clr: RcBits, set: RcBits): Steps {
  // if ((clr | set) & ~(_PAGE_DIRTY | _PAGE_ACCESSED)) return;  -- only rc bits here
  const entries = yield* s.rmap.read('llist_for_each_entry(cursor, rmapp)');
  for (let i = 0; i < entries.length; i++) {
    yield* t.within('kvmhv_update_nest_rmap_rc', kvmhvUpdateNestRmapRc(s, clr, set));
  }
}

/** `_PAGE_ACCESSED|_PAGE_DIRTY`, `_PAGE_DIRTY`, or `0`, as the kernel spells the mask. */
export function bitNames(bits: RcBits): string {
  const names = [bits.accessed ? '_PAGE_ACCESSED' : '', bits.dirty ? '_PAGE_DIRTY' : ''].filter(Boolean);
  return names.length ? names.join('|') : '0';
}
