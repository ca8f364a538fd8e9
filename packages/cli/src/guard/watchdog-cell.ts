/**
 * The shared memory a guarded worker and its parent watch together: the worker bumps `beats`
 * whenever it enters or leaves the user's model code and says what it is in; the parent
 * terminates the worker when `beats` stops moving for longer than the step time limit.
 */
export const CELL = {
  /** Bumped on every entry into and exit from user code. */
  beats: 0,
  /** What user code runs now (a `USER_CODE` value), 0 between calls. */
  kind: 1,
  /** Which operation or invariant (an index into the names the worker posted). */
  index: 2,
  /** 0 while the model file loads, 1 once it runs. */
  phase: 3,
} as const;

/** What kind of user code a worker is inside. */
export const USER_CODE = { none: 0, operation: 1, setup: 2, invariant: 3, describeState: 4, when: 5 } as const;

/** A new cell (shared between the threads). */
export function newWatchdogCell(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
}
