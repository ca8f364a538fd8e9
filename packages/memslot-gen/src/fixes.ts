import type { FixSpec } from '@kvmrace/core';

/**
 * The two hunks of ee3d1570b586 ("kvm: fix potentially corrupt mmio cache"). `buggy` has neither:
 * `update_memslots()` bumps the generation once before `rcu_assign_pointer()`, and the MMIO SPTE
 * keeps every bit of it.
 */
export type MemslotGenFix = 'second-increment-after-synchronize' | 'spte-ignores-low-bit';

/** One entry per toggle, with the commit that carries it. */
export const memslotGenFixes: { readonly [K in MemslotGenFix]: FixSpec } = {
  'second-increment-after-synchronize': {
    commit: 'ee3d1570b586',
    summary:
      'virt/kvm/kvm_main.c install_new_memslots(): WARN_ON(old gen & 1); slots->generation = old + 1 before ' +
      'rcu_assign_pointer(), then slots->generation++ after synchronize_srcu_expedited(), so the generation is ' +
      'odd exactly while an update is in progress and no vCPU can tag a stale decision with the final one',
  },
  'spte-ignores-low-bit': {
    commit: 'ee3d1570b586',
    summary:
      'arch/x86/kvm/mmu.c: MMIO_GEN_LOW_MASK ((1 << MMIO_GEN_LOW_SHIFT) - 2), so mark_mmio_spte() stores gen & ~1 ' +
      'and check_mmio_spte() (kvm_gen == spte_gen) never matches while the generation is odd: no MMIO SPTE hits ' +
      'during an update',
  },
};

/** Each hunk on its own (the "which fix suffices for which cache" question). */
export const memslotGenVariants = {
  /** Only the kvm_main.c hunk: both cache flavours hold. */
  'second-increment-only': ['second-increment-after-synchronize'],
  /** Only the mmu.c hunk: the MMIO SPTE holds, the per-vCPU mmio_gen cache still races. */
  'spte-low-bit-only': ['spte-ignores-low-bit'],
} as const satisfies { readonly [name: string]: readonly MemslotGenFix[] };
