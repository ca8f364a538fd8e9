import type { Counter, Lock, Var, World } from '@kvmrace/core';

/** A page frame number: `P0` is the guest's page at start, an invalidation moves the gfn to `P1`, `P2`, ... */
export type Pfn = `P${number}`;

/** `INVALID_GPA` as the model writes it: no range recorded yet. */
export const INVALID_GPA = -1;

/** The range each invalidation covers: `[0, 1)`, so gfn 0 is inside and gfn 1 outside. */
export const RANGE = { start: 0, end: 1 } as const;

/** The shared state: two gfns, their primary-MMU pages and sptes, and the invalidation tracking. */
export interface InvalidateRangeState {
  /** `kvm->mmu_lock` (x86's rwlock; every thread here takes it exclusively, as the shadow MMU does). */
  readonly mmuLock: Lock;
  /** `kvm->mmu_invalidate_seq`. */
  readonly seq: Counter;
  /** `kvm->mmu_invalidate_in_progress`. */
  readonly inProgress: Counter;
  /** `kvm->mmu_invalidate_range_start` / `_end` (gfns since 8569992d64b8). */
  readonly rangeStart: Var<number>;
  readonly rangeEnd: Var<number>;
  /** The page-table lock of gfn 0's pte (`ptl`): the primary MMU changes the pte under it, gup reads under it. */
  readonly ptl: Lock;
  /** Per gfn: the page the primary MMU maps for the gfn's hva. */
  readonly pte: readonly Var<Pfn>[];
  /** Per gfn: KVM's spte, `none` when not present. */
  readonly spte: readonly Var<Pfn | 'none'>[];
  /** Ghost: pages handed out so far (`P0` exists at start). */
  pages: number;
  /** Ghost: per gfn, retries forced by the in-progress range check (not by the sequence count). */
  readonly rangeRetries: number[];
  /** Ghost: the pages the primary MMU replaced inside an invalidation of the range (gfn 0's old pages). */
  readonly replaced: Pfn[];
}

export function setupInvalidateRange(w: World): InvalidateRangeState {
  return {
    mmuLock: w.spinlock('kvm->mmu_lock'),
    seq: w.counter('kvm->mmu_invalidate_seq', 0),
    inProgress: w.counter('kvm->mmu_invalidate_in_progress', 0),
    rangeStart: w.var('kvm->mmu_invalidate_range_start', INVALID_GPA),
    rangeEnd: w.var('kvm->mmu_invalidate_range_end', INVALID_GPA),
    ptl: w.spinlock('ptl'),
    pte: [w.var<Pfn>('pte(gfn 0)', 'P0'), w.var<Pfn>('pte(gfn 1)', 'P0')],
    spte: [w.var<Pfn | 'none'>('spte(gfn 0)', 'none'), w.var<Pfn | 'none'>('spte(gfn 1)', 'none')],
    pages: 1,
    rangeRetries: [0, 0],
    replaced: [],
  };
}

/** True when `gfn` is inside the range every invalidation covers. */
export function inRange(gfn: number): boolean {
  return gfn >= RANGE.start && gfn < RANGE.end;
}

export function describeInvalidateRange(s: InvalidateRangeState): string {
  return `spte=[${s.spte.map((v) => v.value).join(', ')}], pte=[${s.pte.map((v) => v.value).join(', ')}], mmu_invalidate_seq=${s.seq.value}, in_progress=${s.inProgress.value}, range=[${s.rangeStart.value}, ${s.rangeEnd.value}), mmu_lock ${s.mmuLock.describe()}`;
}
