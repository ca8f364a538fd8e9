import type { FixSpec } from '@kvmrace/core';

/** The fix toggles of the pfncache model, one per hunk of the real patches. */
export type PfncacheFix = 'rework-refresh' | 'deactivate-takes-refresh-lock';

/**
 * `rework-refresh` is David Woodhouse's rework, posted as "[PATCH v12 20/20] KVM: pfncache: rework
 * __kvm_gpc_refresh() to fix locking issues" (Message-Id 20240115125707.1183-21-paul@xen.org) and
 * never applied (NAK'd as a bug fix; v13 21/21 "not applied"), so it has no commit id: the zeros
 * say so. `deactivate-takes-refresh-lock` is what upstream applied: kvm-x86 commit 6addfcf27139
 * "KVM: pfncache: simplify locking and make more self-contained".
 */
/** Where the rework was posted. */
export const REWORK_SOURCE = '<20240115125707.1183-21-paul@xen.org> ([PATCH v12 20/20] KVM: pfncache: rework __kvm_gpc_refresh() to fix locking issues)';

export const PFNCACHE_FIXES: { readonly [K in PfncacheFix]: FixSpec } = {
  'rework-refresh': {
    commit: '000000000000',
    merged: false,
    summary:
      'hva_to_pfn_retry() no longer touches the gpc and always maps afresh (no reuse of the old khva); ' +
      '__kvm_gpc_refresh() rechecks gpc->active and gpc->uhva under the write lock and discards its mapping if either changed ' +
      '(posted as [PATCH v12 20/20], never applied; its mmu_notifier_retry_cache() check runs outside gpc->lock)',
  },
  'deactivate-takes-refresh-lock': {
    commit: '6addfcf27139',
    summary:
      'guard(mutex)(&gpc->refresh_lock) in kvm_gpc_refresh(), __kvm_gpc_activate() and kvm_gpc_deactivate(); ' +
      '__kvm_gpc_refresh() only asserts it is held',
  },
};
