import type { Lock, MmuNotifier, Var, World } from '@kvmrace/core';
import { pte, PteVar, type Pte } from './pte.js';

/**
 * The L1 guest's own pte for the page (the kernel's local `gpte` in `__kvmhv_nested_page_fault`,
 * a `struct kvmppc_pte` that `kvmhv_translate_addr_nested()` reads from L1 memory): its rc bits
 * are both set. It lives in L1 memory, which no operation here changes, so it is a constant.
 */
export const L1_GPTE_RC: { readonly accessed: boolean; readonly dirty: boolean } = Object.freeze({ accessed: true, dirty: true });

/** The L2 access is a store (`writing = !!(dsisr & DSISR_ISSTORE)`). */
export const WRITING = true;

/** How many times the guest re-faults after `-EAGAIN` before the model gives up (PROTOCOLS.md §0). */
export const MAX_RETRY = 2;

/**
 * The nest rmap entry the fault inserts: `n_rmap->rmap = n_gpa | (gp->l1_lpid << RMAP_NESTED_LPID_SHIFT)`.
 * The model has one nested guest and one nested page, so every entry is this one.
 */
export const N_RMAP = 'n_gpa@l1_lpid';

/** The initial `gpte`: present, referenced and dirty (the L1 guest has written the page). */
export const INITIAL_GPTE: Pte = pte(true, true);

/** The shared state of the model: one L1 page, mapped through to one L2 page. */
export interface RadixNestedState {
  /** `gp->tlb_lock`: the nested guest's mutex, held across `__kvmhv_nested_page_fault()` (and so the set-rc path). */
  readonly tlbLock: Lock;
  /** `kvm->mmu_lock`: guards both page tables and the nest rmap. */
  readonly mmuLock: Lock;
  /** `kvm->mmu_notifier_seq` / `kvm->mmu_notifier_count`; the count stays 0 (no invalidation here). */
  readonly mmuNotifier: MmuNotifier;
  /** `gpte`: L0's partition-scoped pte for the L1 page, in `kvm->arch.pgtable` (`find_kvm_secondary_pte`). */
  readonly gpte: PteVar;
  /** `npte`: L0's shadow pte for the L2 page, in `gp->shadow_pgtable` (`find_kvm_nested_guest_pte`). */
  readonly npte: PteVar;
  /** `memslot->arch.rmap[gfn]`: the nest rmap list of the L1 page (entries `n_gpa@lpid`). */
  readonly rmap: Var<readonly string[]>;
}

/** Builds the initial state: `gpte` present and dirty, `npte` absent, the rmap empty, both locks free, seq 0. */
export function setupRadixNested(w: World): RadixNestedState {
  return {
    tlbLock: w.mutex('gp->tlb_lock'),
    mmuLock: w.spinlock('kvm->mmu_lock'),
    mmuNotifier: w.mmuNotifier(),
    gpte: new PteVar(w, 'gpte', INITIAL_GPTE),
    npte: new PteVar(w, 'npte', { present: false, accessed: false, dirty: false }),
    rmap: w.var<readonly string[]>('rmap[gfn]', []),
  };
}
