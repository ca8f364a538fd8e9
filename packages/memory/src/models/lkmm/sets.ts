import { Tag, MARKED_TAGS } from '../../exec/tags.js';
import type { EventSet } from '../../relation/event-set.js';
import type { LkmmContext } from './context.js';

// The event classes of the LKMM (explanation.txt §6 EVENTS; ASPLOS 2018 §3, "Frightening small
// children and disconcerting grown-ups", Alglave, Maranget, McKenney, Parri, Stern): annotations that
// give no ordering are filtered out (acquire on a store, a failed RMW's full barrier), and accesses
// are either marked (READ_ONCE(), atomics, ...) or plain (§24 PLAIN ACCESSES AND DATA RACES).

export interface LkmmSets {
  readonly Marked: EventSet;
  readonly Plain: EventSet;
  readonly Acquire: EventSet;
  readonly Release: EventSet;
  /** smp_mb() and the accesses of fully ordered RMWs that succeeded. */
  readonly Mb: EventSet;
  /** The read of a non-value-returning RMW (atomic_inc()): smp_rmb() does not order it. */
  readonly Noreturn: EventSet;
  /** Reads smp_rmb() orders. */
  readonly R4rmb: EventSet;
  /** Events of RMW instructions (successful or failed). */
  readonly RMW: EventSet;
  readonly LKR: EventSet;
  readonly LKW: EventSet;
  readonly UL: EventSet;
}

export function lkmmSets(c: LkmmContext): LkmmSets {
  return c.staticRel('lkmm:sets', () => {
    const sk = c.sk;
    const t = (mask: number): EventSet => sk.tagged(mask);
    const rmw = sk.rmw;
    const RMW = t(Tag.RMW);
    const failedRMW = RMW.minus(rmw.domain().union(rmw.range()));
    const LKR = t(Tag.LKR);
    const UL = t(Tag.UL);
    // Fences and other non-memory events count as marked, as do initial writes.
    const Marked = sk.M.complement().union(t(MARKED_TAGS));
    const Noreturn = t(Tag.NORETURN).minus(sk.W);
    return {
      Marked,
      Plain: sk.M.minus(Marked),
      Acquire: t(Tag.ACQUIRE).minus(sk.W).minus(failedRMW).union(LKR),
      Release: t(Tag.RELEASE).minus(sk.R).minus(failedRMW).union(UL),
      Mb: t(Tag.MB | Tag.F_MB).minus(failedRMW),
      Noreturn,
      R4rmb: sk.R.minus(Noreturn),
      RMW,
      LKR,
      LKW: t(Tag.LKW),
      UL,
    };
  });
}
