import { Var, type World } from '@kvmrace/core';

/**
 * A radix pte reduced to the bits this race is about: `_PAGE_PRESENT`, the reference bit R
 * (`_PAGE_ACCESSED`) and the change bit C (`_PAGE_DIRTY`). The real page number, the permission
 * bits and the page size are the same in every pte of the model and are left out.
 */
export interface Pte {
  /** `_PAGE_PRESENT`. */
  readonly present: boolean;
  /** R, `_PAGE_ACCESSED`. */
  readonly accessed: boolean;
  /** C, `_PAGE_DIRTY`. */
  readonly dirty: boolean;
}

/** `__pte(0)`: no translation. */
export const PTE_NONE: Pte = Object.freeze({ present: false, accessed: false, dirty: false });

/** A present pte with the given rc bits. */
export function pte(accessed: boolean, dirty: boolean): Pte {
  return { present: true, accessed, dirty };
}

/** `__radix_pte_update(ptep, clr, set)` on the rc bits: the new value (the caller keeps the old one). */
export function pteUpdate(old: Pte, clr: { accessed?: boolean; dirty?: boolean }, set: { accessed?: boolean; dirty?: boolean }): Pte {
  return {
    present: old.present,
    accessed: (old.accessed && !clr.accessed) || Boolean(set.accessed),
    dirty: (old.dirty && !clr.dirty) || Boolean(set.dirty),
  };
}

/** True when both ptes have the same bits (`pte_raw(a) == pte_raw(b)`). */
export function pteEqual(a: Pte, b: Pte): boolean {
  return a.present === b.present && a.accessed === b.accessed && a.dirty === b.dirty;
}

/** `P|R|C`, `P|R`, `P`, or `none`: a pte as a race table shows it. */
export function formatPte(p: Pte): string {
  if (!p.present) return 'none';
  return ['P', p.accessed ? 'R' : '', p.dirty ? 'C' : ''].filter(Boolean).join('|');
}

/** A shared pte slot (one entry of a page table): a `Var` that prints as `P|R|C`. */
export class PteVar extends Var<Pte> {
  constructor(world: World, name: string, initial: Pte) {
    super(world, name, initial);
  }

  override describe(): string {
    return formatPte(this.value);
  }
}
