import type { Steps, Thread } from '@kvmrace/core';
import type { HptFix } from './fixes.js';
import { resizeHptRehash } from './rehash.js';
import type { HptResizeState } from './state.js';

/**
 * `kvm_vm_ioctl_resize_hpt_commit()`: with `kvm->lock` held, clear `hpte_setup_done`, boot every
 * CPU out of the guest, rehash the OLD table into NEW, pivot, wait for SRCU readers, set the flag
 * again and free OLD.
 */
export function kvmVmIoctlResizeHptCommit(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('kvm_vm_ioctl_resize_hpt_commit', kvmVmIoctlResizeHptCommitBody(s, t));
}

function* kvmVmIoctlResizeHptCommitBody(s: HptResizeState, t: Thread<HptFix>): Steps {
  yield* s.kvmLock.lock(); // R1: mutex_lock(&kvm->lock)
  // Plain, as in the kernel: every write of the flag is made under kvm->lock.
  const was = yield* s.hpteSetupDone.plainRead('if (WARN_ON(!kvm->arch.hpte_setup_done)) goto out_no_hpt');
  t.warnOn(!was, 'resize commit with hpte_setup_done clear');
  // R2: "Stop VCPUs from running while we mess with the HPT". A plain store in the kernel, read
  // by vCPUs and faults without kvm->lock: marked here (README, "Under the LKMM": the data race).
  yield* s.hpteSetupDone.write(0, 'kvm->arch.hpte_setup_done = 0');
  t.smp_mb('kvm_vm_ioctl_resize_hpt_commit');
  // R3: "Boot all CPUs out of the guest so they re-read hpte_setup_done"
  yield* t.within('on_each_cpu(resize_hpt_boot_vcpu, NULL, 1)', t.world.cpus.onEachCpu()); // the IPI is the kick
  yield* resizeHptRehash(s, t); // R4
  yield* resizeHptPivot(s, t); // R5, R6
  // R7, out: "Let VCPUs run again" (a plain store in the kernel, marked as R2 is).
  yield* s.hpteSetupDone.write(1, 'kvm->arch.hpte_setup_done = 1');
  t.smp_mb('kvm_vm_ioctl_resize_hpt_commit.out');
  yield* resizeHptRelease(s, t); // R8
  yield* s.kvmLock.unlock(); // mutex_unlock(&kvm->lock)
}

/** `resize_hpt_pivot()`: install NEW under `kvm->mmu_lock`, then `synchronize_srcu_expedited`. */
export function resizeHptPivot(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('resize_hpt_pivot', resizeHptPivotBody(s, t));
}

function* resizeHptPivotBody(s: HptResizeState, t: Thread<HptFix>): Steps {
  yield* s.mmuLock.lock(); // spin_lock(&kvm->mmu_lock)
  // R5: kvmppc_set_hpt(kvm, &resize->hpt). It ends the window of I_B3 (ghost `rehashing`), so
  // it declares a read of every CPU.
  yield* t.step('kvmppc_set_hpt(kvm, &resize->hpt)', { writes: [s.hpt], reads: s.cpus });
  s.hpt.value = 'NEW';
  s.rehashing = false;
  yield* s.mmuLock.unlock(); // spin_unlock(&kvm->mmu_lock)
  yield* s.srcu.synchronize(); // R6: synchronize_srcu_expedited(&kvm->srcu)
}

/** `resize_hpt_release()`: free the table the resize structure holds, which after the pivot is OLD. */
export function resizeHptRelease(s: HptResizeState, t: Thread<HptFix>): Steps {
  return t.within('resize_hpt_release', s.oldFreed.write(true, 'kvmppc_free_hpt(&resize->hpt) (the OLD table)'));
}
