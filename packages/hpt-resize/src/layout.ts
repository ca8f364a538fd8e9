/**
 * The fixed shape of the guest the model runs: two hashed page tables and one guest page.
 * These are the model's initial-state knobs; they are constants so that every run of a
 * scenario starts from the same state.
 */

/** Which hashed page table: the one in use before the resize, or the one it installs. */
export type HptGen = 'OLD' | 'NEW';

/** Entries (HPTE slots, and `rev[]` slots) in each table. The new HPT is smaller than the old one. */
export const HPT_SIZE: Readonly<Record<HptGen, number>> = { OLD: 2, NEW: 1 };

/**
 * Index in the OLD table of the guest HPTE that faults: `HPTE_V_ABSENT`, not bolted (the host page
 * is not mapped yet). It is out of bounds of the smaller NEW table, so a stale index crashes.
 * Slot 0 of OLD is empty (neither VALID nor ABSENT), so the rehash skips it.
 */
export const FAULT_INDEX = 1;

/** First word of an HPTE as the protocol sees it: `HPTE_V_VALID`, `HPTE_V_ABSENT`, or neither. */
export type HpteV = 'VALID' | 'ABSENT' | 'EMPTY';

/** Initial first words of the OLD table. */
export const OLD_HPTES: readonly HpteV[] = ['EMPTY', 'ABSENT'];

/**
 * Guest entries in one `vcpu_run` (one KVM_RUN): the first exit is a trap the host handles and
 * resumes (`RESUME_GUEST`), the second goes back to userspace. Two entries let a vCPU that the
 * resize IPI kicked out re-enter through the loop, as in the commit message.
 */
export const GUEST_ENTRIES_PER_RUN = 2;

/**
 * Bound on `kvmppc_run_vcpu` loop iterations in which `kvmppc_run_core` refuses to enter. Each
 * refusal needs `hpte_setup_done` to have been cleared again, and a scenario has one resize, so
 * the bound is never reached; if it were, the thread gives up (counted, never a pass).
 */
export const MAX_RUN_CORE_REFUSALS = 4;
