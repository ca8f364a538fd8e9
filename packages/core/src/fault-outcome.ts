import { AssertSignal, ModelMisuseError, OopsSignal, WarnSignal } from './faults.js';
import type { Outcome } from './outcome.js';

/**
 * The outcome of a run whose thread `tid` threw `err` in step `step`: the kernel's oops or
 * WARN_ON, an inline assertion's violation, a misused primitive, or anything else thrown (an oops
 * naming it). A bounded retry that gave up is not an outcome: the run goes on without the thread.
 */
export function faultOutcome(err: unknown, tid: number, step: number): Outcome {
  if (err instanceof OopsSignal) return { kind: 'oops', message: err.message, step, thread: tid };
  if (err instanceof WarnSignal) return { kind: 'warn', message: `WARN_ON: ${err.message}`, step, thread: tid };
  if (err instanceof AssertSignal) return { kind: 'violation', invariant: err.invariant, message: err.message, step, thread: tid };
  if (err instanceof ModelMisuseError) return { kind: 'oops', message: `model misuse: ${err.message}`, step, thread: tid };
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { kind: 'oops', message: `CPU${tid} threw ${text}`, step, thread: tid };
}
