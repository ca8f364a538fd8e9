import type { Steps, Thread } from '@kvmrace/core';
import { kvmppcAddRevmapChain } from './add-revmap-chain.js';
import type { HptFix } from './fixes.js';
import { FAULT_INDEX } from './layout.js';
import type { HptResizeState } from './state.js';

/**
 * The `RESUME_PAGE_FAULT` branch of `kvmppc_vcpu_run_hv()`: the vCPU task handles a hypervisor
 * page fault in the host, with interrupts on and without `kvm->lock`, inside an SRCU read section.
 * The resize IPI does nothing to it; only the HPTE lock, the flag check and SRCU exclude it.
 */
export function hvPageFault(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('kvmppc_vcpu_run_hv', hvPageFaultBody(s, t));
}

function* hvPageFaultBody(s: HptResizeState, t: Thread<HptFix>): Steps {
  yield* s.srcu.readLock(); // F0: srcu_idx = srcu_read_lock(&kvm->srcu)
  yield* kvmppcBook3sHvPageFault(s, t);
  yield* s.srcu.readUnlock(); // F9: srcu_read_unlock(&kvm->srcu, srcu_idx)
}

/**
 * `kvmppc_book3s_hv_page_fault()` for an HPTE that is `HPTE_V_ABSENT`: map the host page, add the
 * HPTE to the page's rmap chain and make it VALID. The fix checks `hpte_setup_done` under the HPTE
 * lock, which the rehash also takes for each entry.
 */
export function kvmppcBook3sHvPageFault(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('kvmppc_book3s_hv_page_fault', kvmppcBook3sHvPageFaultBody(s, t));
}

function* kvmppcBook3sHvPageFaultBody(s: HptResizeState, t: Thread<HptFix>): Steps {
  // F1: index = vcpu->arch.pgfault_index; hptep = kvm->arch.hpt.virt + (index << 4); rev = &kvm->arch.hpt.rev[index];
  // Marked: kvm->arch.hpt is a plain struct in the kernel, written by the pivot under mmu_lock
  // and read here under SRCU only (README, "Under the LKMM").
  const myGen = yield* s.hpt.read('index = pgfault_index; hptep, rev = &kvm->arch.hpt.rev[index]');
  // The real-mode handler found the ABSENT guest HPTE in the installed table. The rehash drops
  // it (not bolted), so NEW has no such entry and the guest would not have taken this exit.
  if (myGen !== 'OLD') return; // RESUME_GUEST
  const index = FAULT_INDEX;
  const hpte = s.oldHpte[index]!;
  const hvlock = s.oldHpteLock[index]!;

  // F2: while (!try_lock_hpte(hptep, HPTE_V_HVLOCK)) cpu_relax(); read hpte[0..2]; unlock_hpte
  yield* hvlock.lock();
  // Plain, as in the kernel: every write of hptep[0] is made with the HPTE lock held.
  const hpte0 = yield* hpte.plainRead('hpte[0] = be64_to_cpu(hptep[0]) & ~HPTE_V_HVLOCK');
  yield* hvlock.unlock();
  if (hpte0 !== 'ABSENT') return; // hpte != pgfault_hpte: RESUME_GUEST

  // F3: gfn_to_pfn / find_vma and the new HPTE's second word: thread-local.

  // F4: while (!try_lock_hpte(hptep, HPTE_V_HVLOCK)) cpu_relax(); hnow_v = hptep[0]
  yield* hvlock.lock();
  const hnowV = yield* hpte.plainRead('hnow_v = be64_to_cpu(hptep[0])');

  if (t.fixed('fault-checks-flag')) {
    // F5: "If the HPT is being resized, don't update the HPTE ... The synchronization for
    // mmu_ready test vs. set is provided by the HPTE lock": the rehash takes it after clearing the
    // flag. A plain load in the kernel; the resize writes the flag without this lock, so marked.
    const done = yield* s.hpteSetupDone.read('if (!kvm->arch.hpte_setup_done) goto out_unlock');
    if (!done) {
      yield* hvlock.unlock(); // out_unlock: __unlock_hpte(hptep, be64_to_cpu(hptep[0]))
      return;
    }
  }

  // F6: if ((hnow_v & ~HPTE_V_HVLOCK) != hpte[0] || ...) goto out_unlock;
  if (hnowV !== hpte0) {
    yield* hvlock.unlock();
    return;
  }

  // F7: lock_rmap(rmap); kvmppc_add_revmap_chain(kvm, rev, rmap, index, 0), which unlocks it
  yield* s.rmapLock.lock();
  yield* kvmppcAddRevmapChain(s, t, myGen, index);

  // F8: hptep[1] = cpu_to_be64(r); eieio(); __unlock_hpte(hptep, hpte[0] | HPTE_V_VALID): one
  // store after PPC_RELEASE_BARRIER, value and lock bit together. The model writes the value
  // (marked: the rehash's unlocked pre-check reads it) and then releases the lock.
  yield* hpte.write('VALID', 'hptep[1] = r; hptep[0] = hpte[0] | HPTE_V_VALID');
  yield* hvlock.unlock(); // the release half of __unlock_hpte
}
