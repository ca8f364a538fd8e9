import type { Steps, Thread } from '@kvmrace/core';
import type { ChangePteFix } from './fixes.js';
import type { ChangePteState, Pfn } from './state.js';

/** `kvm_mmu_notifier_invalidate_range_start()` (virt/kvm/kvm_main.c, v5.3): raise the count and zap the spte. */
export function* kvmMmuNotifierInvalidateRangeStart(s: ChangePteState): Steps {
  yield* s.mmuLock.lock(); //                                spin_lock(&kvm->mmu_lock);
  yield* s.mn.invalidateRangeStart(); //                     kvm->mmu_notifier_count++;
  yield* s.spte.write('none', 'kvm_unmap_hva_range(): zap spte'); // need_tlb_flush = kvm_unmap_hva_range(kvm, start, end);
  yield* s.mmuLock.unlock(); //                              spin_unlock(&kvm->mmu_lock);
}

/** `kvm_mmu_notifier_invalidate_range_end()` (virt/kvm/kvm_main.c, v5.3): bump seq, then lower the count. */
export function* kvmMmuNotifierInvalidateRangeEnd(s: ChangePteState): Steps {
  yield* s.mmuLock.lock(); //                                spin_lock(&kvm->mmu_lock);
  yield* s.mn.invalidateRangeEnd(); //                       kvm->mmu_notifier_seq++; smp_wmb(); kvm->mmu_notifier_count--;
  yield* s.mmuLock.unlock(); //                              spin_unlock(&kvm->mmu_lock);
}

/**
 * `kvm_mmu_notifier_change_pte()` (virt/kvm/kvm_main.c): point a present spte at the new page.
 * Before c13fda237f08 it bumps `mmu_notifier_seq`; since, it asserts an elevated count instead.
 */
export function* kvmMmuNotifierChangePte(s: ChangePteState, t: Thread<ChangePteFix>, pfn: Pfn): Steps {
  if (t.fixed('change-pte-warns-on-zero-count')) {
    const count = yield* s.mn.count.read('WARN_ON_ONCE(!kvm->mmu_notifier_count)'); // c13fda237f08: +WARN_ON_ONCE(!kvm->mmu_notifier_count);
    t.warnOn(count === 0, 'kvm_mmu_notifier_change_pte() ran with mmu_notifier_count == 0 (set_pte_at_notify() not bracketed)');
  }
  yield* s.mmuLock.lock(); //                                spin_lock(&kvm->mmu_lock);
  if (t.fixed('change-pte-bumps-seq')) yield* s.mn.seq.increment('kvm->mmu_notifier_seq++'); // c13fda237f08: -kvm->mmu_notifier_seq++;
  yield* s.spte.update((old) => (old === 'none' ? 'none' : pfn), `kvm_set_spte_hva(): spte -> ${pfn} if present`); // kvm_set_spte_hva(kvm, address, pte)
  yield* s.mmuLock.unlock(); //                              spin_unlock(&kvm->mmu_lock);
}
