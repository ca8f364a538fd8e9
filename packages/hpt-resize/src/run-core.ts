import type { Steps, Thread } from '@kvmrace/core';
import type { HptFix } from './fixes.js';
import type { HptResizeState } from './state.js';

/** What one `kvmppc_run_core` call did. */
export type RunCoreResult = 'ran' | 'refused';

/**
 * `kvmppc_run_core()`: hard-disable interrupts, enter the guest, run until a trap or a kick (the
 * resize IPI), and come back to the host with interrupts enabled again (taking any pending IPI).
 */
export function kvmppcRunCore(s: HptResizeState, t: Thread<HptFix>): Steps<RunCoreResult> {
  return t.within('kvmppc_run_core', kvmppcRunCoreBody(s, t));
}

function* kvmppcRunCoreBody(s: HptResizeState, t: Thread<HptFix>): Steps<RunCoreResult> {
  yield* t.cpu.irqDisable(); // V1: local_irq_disable(); hard_irq_disable()
  if (t.fixed('run-core-checks-flag')) {
    // V2: "If the HPT is being resized, don't go into the guest": with interrupts off, the
    // resize IPI cannot complete between this check and the guest entry. No barrier in the
    // kernel: the IPI orders the flag (the sender's llist_add() is fully ordered, the target
    // takes the call with an acquire). A plain load there, without kvm->lock: marked here.
    const done = yield* s.hpteSetupDone.read('if (!kvm->arch.hpte_setup_done) refuse entry');
    if (!done) {
      yield* t.cpu.irqEnable(); // local_irq_enable(); vc->vcore_state = VCORE_INACTIVE; return
      return 'refused';
    }
  }
  yield* t.cpu.enterGuest(); // V3: __kvmppc_vcore_entry()
  yield* t.cpu.exitGuest(); // V4: guest exit (a trap, or the IPI's kick)
  yield* t.cpu.irqEnable(); // local_irq_enable(): a pending IPI is taken here
  return 'ran';
}
