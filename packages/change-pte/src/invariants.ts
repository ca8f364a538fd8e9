import type { InvariantSpec } from '@kvmrace/core';
import type { ChangePteState } from './state.js';

/**
 * I_C, no stale spte: whenever `mmu_lock` is free and no invalidation is in progress, a present
 * spte maps the page the primary MMU maps now. Also skipped while `ptl` is held: inside
 * `set_pte_at_notify()` the primary pte is being rewritten (cleared, then set), and no other
 * user of the pte can look at it until `ptl` is dropped.
 */
export const noStaleSpte: InvariantSpec<ChangePteState> = {
  name: 'I_C',
  description: "with mmu_lock and ptl free and mmu_notifier_count == 0, a present spte maps the primary MMU's current pfn",
  when: (s) => s.mmuLock.isFree && s.ptl.isFree && s.mn.count.value === 0,
  check: (s) =>
    s.spte.value === 'none' ||
    s.spte.value === s.pte.value ||
    `stale spte: KVM maps ${s.spte.value} but the primary MMU maps ${s.pte.value} (mmu_notifier_seq=${s.mn.seq.value}, count=0)`,
};
