import type { FixSpec } from '@kvmrace/core';

/** The commit that carries all three hunks. */
export const FIX_COMMIT = '38c53af85306';

/** The three hunks of the fix, by name. */
export type HptFix = 'run-core-checks-flag' | 'setup-in-run-loop' | 'fault-checks-flag';

/**
 * "KVM: PPC: Book3S HV: Fix exclusion between HPT resizing and other HPT updates", one toggle
 * per hunk.
 */
export const hptFixes: { readonly [K in HptFix]: FixSpec } = {
  'run-core-checks-flag': {
    commit: FIX_COMMIT,
    summary:
      'kvmppc_run_core checks hpte_setup_done with interrupts hard-disabled and refuses to enter the guest while it is clear',
  },
  'setup-in-run-loop': {
    commit: FIX_COMMIT,
    summary:
      'the hpte_setup_done check moves from kvmppc_vcpu_run_hv into the kvmppc_run_vcpu loop, so a refused vCPU blocks on kvm->lock instead of spinning',
  },
  'fault-checks-flag': {
    commit: FIX_COMMIT,
    summary: 'kvmppc_book3s_hv_page_fault checks hpte_setup_done under the HPTE lock and backs off while it is clear',
  },
};
