import { Kind, Tag, type TraceEvent } from '@kvmrace/memory/models';
import type { SimObject } from '../sim-object.js';

const NONE: readonly number[] = [];

/**
 * Per thread, the `srcu_read_unlock()` events that would close its open SRCU read-side critical
 * sections (innermost first, each with the data dependency on its lock's read that matches them),
 * or null when none is open. A graph judged before a section's unlock (a run that fails inside
 * it) gets them at the thread's end: the LKMM's RCU axioms only see matched pairs, and a section
 * closed where the thread now is holds fewer events than any real close would.
 */
export function openSrcuUnlocks(
  events: readonly (readonly TraceEvent[])[],
  srcuLocks: ReadonlyArray<ReadonlyMap<SimObject, readonly number[]>>,
  locationOf: (srcu: SimObject) => number,
  unlockValue: number,
): TraceEvent[][] | null {
  let out: TraceEvent[][] | null = null;
  srcuLocks.forEach((open, t) => {
    for (const [srcu, stack] of open) {
      if (stack.length === 0) continue;
      out ??= events.map(() => []);
      const loc = locationOf(srcu);
      for (let i = stack.length - 1; i >= 0; i--) {
        (out[t] as TraceEvent[]).push({ kind: Kind.W, loc, value: unlockValue, tags: Tag.SRCU_UNLOCK, addr: NONE, data: [stack[i] as number], ctrl: NONE, rmwRead: -1, choice: -1 });
      }
    }
  });
  return out;
}
