import type { SerialContext } from './serialize.js';
import { StateSpace } from './state-space.js';

/**
 * Counter values are keyed modulo this in a liveness search: a sequence counter bumped by an
 * endless thread grows for ever, and only its equality with the copies threads hold matters.
 */
export const COUNTER_WRAP = 4;

/** `v` modulo `COUNTER_WRAP` when it is a non-negative integer (small values are unchanged). */
function wrapped(v: unknown): unknown {
  return typeof v === 'number' && Number.isInteger(v) && v >= COUNTER_WRAP ? v % COUNTER_WRAP : v;
}

/**
 * The state identity of `StateSpace`, for cycles: a run that comes back to a state must get its
 * id again, so the step count, `Var` versions (they only grow) and the excess of integer values
 * over `COUNTER_WRAP` are left out. What this merges that should not be merged (a counter compared
 * with a copy held over 4 bumps; a `Var` version an `awaitChange` waits on, which the enabled
 * threads in the key stand for) can only make a cycle the concrete run does not repeat, and
 * `livenessSearch` replays every lasso before reporting it.
 */
export class LivenessSpace extends StateSpace {
  override varId(value: unknown, _version: number, cx: SerialContext): number {
    return super.varId(wrapped(value), 0, cx);
  }

  override resultId(value: unknown, cx: SerialContext): number {
    return super.resultId(wrapped(value), cx);
  }

  override stateId(unique: boolean, ghostId: number, keyIds: readonly number[], _steps: number, history: readonly number[], extra: number | undefined): number {
    return super.stateId(unique, ghostId, keyIds, 0, history, extra);
  }
}
