import type { Lock, MmuNotifier, Var, World } from '@kvmrace/core';

/** A page frame number, named by the order the pages appear in: `P0` is the guest's original page. */
export type Pfn = `P${number}`;

/** A page-table entry as the model sees it: the pfn it maps, or `none` when not present. */
export type Pte = Pfn | 'none';

/** The shared state of one run: one hva, its primary-MMU pte, and KVM's spte for the same gfn. */
export interface ChangePteState {
  /** `kvm->mmu_lock`: guards the spte and the notifier counters' updates. */
  readonly mmuLock: Lock;
  /** `kvm->mmu_notifier_seq` and `kvm->mmu_notifier_count`. */
  readonly mn: MmuNotifier;
  /** The primary MMU's pte for the hva (`*ptep`): `none` between `ptep_clear_flush` and `set_pte_at`. */
  readonly pte: Var<Pte>;
  /** The pte's page-table lock (`ptl` from `pte_offset_map_lock`): held across `set_pte_at_notify`. */
  readonly ptl: Lock;
  /** KVM's shadow pte for the gfn (the secondary MMU's mapping). */
  readonly spte: Var<Pte>;
  /** Ghost: how many pages have been handed out (`P0` exists at start); not shared memory. */
  pages: number;
}

/** The initial state: the primary MMU maps `P0`, KVM maps nothing, no invalidation in progress. */
export function setupChangePte(w: World): ChangePteState {
  return {
    mmuLock: w.spinlock('mmu_lock'),
    mn: w.mmuNotifier(),
    pte: w.var<Pte>('pte', 'P0'),
    ptl: w.spinlock('ptl'),
    spte: w.var<Pte>('spte', 'none'),
    pages: 1,
  };
}

/** A new page (KSM's stable `kpage`): thread-local work, so no step. */
export function allocPage(s: ChangePteState): Pfn {
  return `P${s.pages++}`;
}

/** The state in a few words, for the end of a race table. */
export function describeChangePte(s: ChangePteState): string {
  return `spte=${s.spte.value}, pte=${s.pte.value}, mmu_notifier_seq=${s.mn.seq.value}, mmu_notifier_count=${s.mn.count.value}, mmu_lock ${s.mmuLock.describe()}, ptl ${s.ptl.describe()}`;
}
