/**
 * What one execution ended in. `ok` is the only pass; nothing else is ever silently a pass.
 * `bound-reached`: the run took its whole step budget without ending, so nothing was decided within
 * it (a retry loop that never exits, or a budget too small); it is never called a livelock.
 * `data-race` (under `lkmm` only): the run's execution has a data race on plain accesses as the
 * LKMM defines one (explanation.txt §24), which its message names.
 */
export type OutcomeKind = 'ok' | 'violation' | 'oops' | 'warn' | 'deadlock' | 'bound-reached' | 'data-race';

/** The verdict of one execution, with the step where it happened. */
export interface Outcome {
  /** The verdict. */
  readonly kind: OutcomeKind;
  /** For a violation: the invariant (or inline assertion) that broke. */
  readonly invariant?: string;
  /** One line that says what happened. */
  readonly message: string;
  /** Index of the step after which it happened (-1: before any step). */
  readonly step: number;
  /** The thread that raised it (oops, warn, assertion), when there is one. */
  readonly thread?: number;
  /** For a deadlock: the waits-for cycle, as thread ids (first repeated at the end). */
  readonly cycle?: readonly number[];
}

/** True for every outcome except `ok`. */
export function isFailure(outcome: Outcome): boolean {
  return outcome.kind !== 'ok';
}
