import { defineModel } from '@kvmrace/core';
import { kvm_gpc_activate } from './activate.js';
import { check_and_use } from './check-and-use.js';
import { kvm_gpc_deactivate } from './deactivate.js';
import { PFNCACHE_BARRIERS } from './barriers.js';
import { PFNCACHE_FIXES, REWORK_SOURCE, type PfncacheFix } from './fixes.js';
import { invalidate } from './invalidate.js';
import { PFNCACHE_INVARIANTS } from './invariants.js';
import { kvm_gpc_refresh } from './refresh.js';
import { PFNCACHE_SCENARIOS } from './scenarios.js';
import { describePfncache, setupPfncache, type PfncacheState } from './state.js';

/** The gfn_to_pfn_cache refresh-vs-deactivate race (PROTOCOLS.md section E). */
export const pfncache = defineModel({
  name: 'pfncache',
  title: 'pfncache: __kvm_gpc_refresh() vs kvm_gpc_deactivate()',
  summary:
    '__kvm_gpc_refresh() drops gpc->lock in hva_to_pfn_retry(), which reuses the old khva when the pfn is unchanged; ' +
    'kvm_gpc_deactivate(), which does not take refresh_lock, clears active and unmaps khva meanwhile; refresh then ' +
    're-installs pfn/khva and sets valid: a valid, inactive cache pointing at unmapped memory.',
  sources: [
    'virt/kvm/pfncache.c: hva_to_pfn_retry(), __kvm_gpc_refresh(), kvm_gpc_activate(), kvm_gpc_deactivate(), gfn_to_pfn_cache_invalidate_start() (v6.3-v6.8)',
    '[PATCH v12 20/20] KVM: pfncache: rework __kvm_gpc_refresh() to fix locking issues (2024-01-15, not applied)',
    'kvm-x86 6addfcf27139 KVM: pfncache: simplify locking and make more self-contained ([PATCH v2 4/8], applied 2024-03)',
  ],
  fixes: PFNCACHE_FIXES,
  upstream: ['deactivate-takes-refresh-lock'],
  proposals: {
    rework: {
      fixes: ['rework-refresh'],
      source: REWORK_SOURCE,
      summary:
        'hva_to_pfn_retry() maps afresh and __kvm_gpc_refresh() rechecks active/uhva under the write lock; never applied. ' +
        'The engine finds it racing with an mmu-notifier invalidation: its mmu_notifier_retry_cache() check runs outside gpc->lock',
    },
  },
  barriers: PFNCACHE_BARRIERS,
  operations: {
    refresh: { summary: 'refresh the cache (kvm_gpc_refresh)', kernel: 'kvm_gpc_refresh() / __kvm_gpc_refresh() / hva_to_pfn_retry()', run: kvm_gpc_refresh },
    deactivate: { summary: 'deactivate the cache and unmap khva', kernel: 'kvm_gpc_deactivate()', run: kvm_gpc_deactivate },
    activate: { summary: 'reactivate the cache (same gpa) and refresh it', kernel: 'kvm_gpc_activate() / __kvm_gpc_activate()', run: kvm_gpc_activate },
    check_and_use: {
      summary: 'read_lock, kvm_gpc_check (refresh until it passes), dereference khva',
      kernel: '__kvm_xen_has_interrupt(): kvm_gpc_check() + kvm_gpc_refresh()',
      run: check_and_use,
    },
    invalidate: {
      summary: 'mmu-notifier invalidation of H; the primary MMU remaps H to a new pfn',
      kernel: 'kvm_mmu_notifier_invalidate_range_start/end(), gfn_to_pfn_cache_invalidate_start()',
      run: invalidate,
      maxPerScenario: 2,
    },
  },
  setup: setupPfncache,
  invariants: PFNCACHE_INVARIANTS,
  scenarios: PFNCACHE_SCENARIOS,
  describeState: describePfncache,
});
