import type { Steps, Thread } from '@kvmrace/core';
import type { ChangePteFix } from './fixes.js';
import { kvmMmuNotifierInvalidateRangeEnd, kvmMmuNotifierInvalidateRangeStart } from './kvm-mmu-notifier.js';
import type { ChangePteState } from './state.js';

/**
 * An invalidation on its own: `mmu_notifier_invalidate_range_start()` then `..._end()` around a
 * primary-MMU change that keeps the page (`change_protection()` for mprotect or NUMA hinting, say).
 * KVM zaps the spte at start; the next fault maps the same page again.
 */
export function* invalidateRange(s: ChangePteState, t: Thread<ChangePteFix>): Steps {
  yield* t.within('kvm_mmu_notifier_invalidate_range_start', kvmMmuNotifierInvalidateRangeStart(s)); // mmu_notifier_invalidate_range_start(&range);
  yield* t.within('kvm_mmu_notifier_invalidate_range_end', kvmMmuNotifierInvalidateRangeEnd(s)); //     mmu_notifier_invalidate_range_end(&range);
}
