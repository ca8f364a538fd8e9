/**
 * Picks which thread takes the next step. One object serves many executions: `beginExecution`
 * is called before each, then `pick` once per step. The same strategy state and the same inputs
 * must give the same picks (no wall clock, no `Math.random`).
 */
export interface Strategy {
  /** Its name in tokens and reports (`random`, `pct`, `replay`). */
  readonly name: string;
  /** Prepares the next execution of a scenario with this many threads. */
  beginExecution(threadCount: number): void;
  /**
   * Picks one of `enabled[0..count)` (thread ids in increasing order). `current` is the thread that
   * took the previous step (-1 at the start); `stepIndex` counts steps from 0.
   */
  pick(enabled: readonly number[], count: number, current: number, stepIndex: number): number;
  /**
   * Optional, for speed: the first step index at or after `stepIndex` where `pick` must be asked
   * even though the thread that took the previous step can go on. Before it, the strategy promises
   * to pick that thread whenever it is enabled, and the run takes its steps without asking (a
   * strategy that counts or observes every `pick` must not have this method, or return `stepIndex`).
   */
  keepsCurrentUntil?(stepIndex: number): number;
  /** Told how many steps the execution took, when it ends. */
  endExecution?(steps: number): void;
}
