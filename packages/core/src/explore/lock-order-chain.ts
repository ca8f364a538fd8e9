import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import type { LockOrderWitness } from './lock-order-recorder.js';

/** One lock dependency as a report shows it: who took which lock while holding which, where. */
export interface LockOrderChain {
  /** The lock held. */
  readonly held: string;
  /** `read` for an rwlock's read side, else `write` (spinlocks and mutexes are exclusive). */
  readonly heldSide: 'read' | 'write';
  /** The kernel function whose step took the held lock (the trace's `fn`). */
  readonly heldIn: string;
  /** The lock taken while `held` was held. */
  readonly taken: string;
  readonly takenSide: 'read' | 'write';
  /** The kernel function whose step took it. */
  readonly takenIn: string;
  /** The thread (CPU) that took both. */
  readonly cpu: number;
  /** The operation it was running. */
  readonly operation: string;
  /** The scenario of the first execution that showed it. */
  readonly scenario: Scenario;
}

/**
 * The chain of a recorded dependency: its execution replayed with a trace up to the step that took
 * the second lock, for the kernel functions of both acquisitions (an untraced run does not know
 * them). Call it outside `withLockWatch`, or the replay records itself.
 */
export function chainOf(model: AnyModel, fixes: readonly string[], w: LockOrderWitness): LockOrderChain {
  const run = new Run(model, new Set(fixes), w.scenario, { trace: true });
  for (const tid of w.schedule) run.step(tid);
  const trace = run.trace ?? [];
  const taken = trace[w.schedule.length - 1];
  const held = trace[w.heldStep];
  return {
    held: w.from,
    heldSide: w.fromShared ? 'read' : 'write',
    heldIn: held?.fn ?? '?',
    taken: w.to,
    takenSide: w.toShared ? 'read' : 'write',
    takenIn: taken?.fn ?? '?',
    cpu: w.thread,
    operation: taken?.operation ?? '?',
    scenario: w.scenario,
  };
}

/** `read_lock(A)` side as a word after a lock name: nothing for the usual exclusive side. */
function side(s: 'read' | 'write', lockIsRw: boolean): string {
  return lockIsRw ? ` (${s})` : '';
}

/** One chain as text: `A then B in f() on CPU0 (op)`. */
export function describeChain(c: LockOrderChain, rwLocks: ReadonlySet<string> = new Set()): string {
  const where = c.heldIn === c.takenIn ? `in ${c.takenIn}()` : `in ${c.heldIn}() then ${c.takenIn}()`;
  return `${c.held}${side(c.heldSide, rwLocks.has(c.held))} then ${c.taken}${side(c.takenSide, rwLocks.has(c.taken))} ${where} on CPU${c.cpu} (${c.operation})`;
}
