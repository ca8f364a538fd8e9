import type { FixSpec } from '@kvmrace/core';

/**
 * The toggles. Two are the handler before and after c13fda237f08; one is the environment, the
 * caller contract of 6bdb913f0a70. `buggy` (none enabled) is the simulation's worst case: an
 * unbracketed caller and a handler with neither the `seq++` nor the WARN.
 */
export type ChangePteFix = 'caller-brackets-change-pte' | 'change-pte-bumps-seq' | 'change-pte-warns-on-zero-count';

/** One entry per toggle, with the commit that carries it. */
export const changePteFixes: { readonly [K in ChangePteFix]: FixSpec } = {
  'caller-brackets-change-pte': {
    commit: '6bdb913f0a70',
    summary:
      'environment: the caller (KSM replace_page) wraps set_pte_at_notify() in mmu_notifier_invalidate_range_start/end ' +
      '("mm: wrap calls to set_pte_at_notify with invalidate_range_start and invalidate_range_end")',
  },
  'change-pte-bumps-seq': {
    commit: '828502d30073',
    summary:
      'handler before c13fda237f08: kvm_mmu_notifier_change_pte() does kvm->mmu_notifier_seq++ under mmu_lock ' +
      '(needed since .change_pte() came in with 828502d30073, unbracketed; c13fda237f08 removes it)',
  },
  'change-pte-warns-on-zero-count': {
    commit: 'c13fda237f08',
    summary: 'handler since c13fda237f08: kvm_mmu_notifier_change_pte() starts with WARN_ON_ONCE(!kvm->mmu_notifier_count)',
  },
};

/** Upstream since c13fda237f08: the bracketed caller (6bdb913f0a70) and the handler that WARNs on a zero count. */
export const changePteUpstream = ['caller-brackets-change-pte', 'change-pte-warns-on-zero-count'] as const satisfies readonly ChangePteFix[];

/** The other cells of the matrix in ../../shared/PROTOCOLS.md section C, beyond `buggy` and `upstream` (`all` is a hybrid no kernel had). */
export const changePteVariants = {
  /** The matrix's name for `upstream` (since c13fda237f08): bracketed caller, handler WARNs on a zero count. Holds. */
  'bracketed-warn': changePteUpstream,
  /** 6bdb913f0a70 up to c13fda237f08: bracketed caller, handler still bumps seq (redundant). Holds. */
  'bracketed-seq-bump': ['caller-brackets-change-pte', 'change-pte-bumps-seq'],
  /** Bracketed caller, handler with neither: the bracket alone is enough. Holds. */
  'bracketed-bare': ['caller-brackets-change-pte'],
  /** 828502d30073 up to 6bdb913f0a70: unbracketed caller, the seq bump forces the fault to retry. Holds. */
  'unbracketed-seq-bump': ['change-pte-bumps-seq'],
  /** The c13fda237f08 handler under a pre-6bdb913f0a70 caller: the WARN fires. */
  'unbracketed-warn': ['change-pte-warns-on-zero-count'],
} as const satisfies { readonly [name: string]: readonly ChangePteFix[] };
