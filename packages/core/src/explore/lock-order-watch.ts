import type { CpuState } from '../primitives/cpus.js';
import type { LockWatch } from '../sim-object.js';

// The watch itself is declared beside the objects that call it (sim-object.ts), below the explorers.
export type { LockWatch };

/** What makes a run's `LockWatch`: the recorder of the search under way. */
export interface LockWatchFactory {
  /** The watch of a new run, which the run has not stepped yet. */
  watchRun(run: WatchedRun): LockWatch;
}

/** What a watch reads of its run (the `Run` class has these). */
export interface WatchedRun {
  /** The thread of each step so far; the step being taken is last. */
  readonly schedule: readonly number[];
  /** The scenario run. */
  readonly scenario: readonly (readonly string[])[];
  /** Each thread's CPU: whether it takes a lock with interrupts on, or in an interrupt handler. */
  readonly world: { cpu(tid: number): { readonly state: CpuState } };
}

/** The recorder runs made now report to, or null: read once by every run's constructor. */
let active: LockWatchFactory | null = null;

/** The recorder of the search under way, or null. @internal */
export function activeLockWatch(): LockWatchFactory | null {
  return active;
}

/**
 * Runs `search` with every run made meanwhile (by any explorer or strategy) reporting its lock
 * acquisitions to `recorder`. An ambient setting rather than an option threaded through every
 * explorer: the searches are synchronous, and one run reads it once, in its constructor.
 */
export function withLockWatch<T>(recorder: LockWatchFactory | null, search: () => T): T {
  const before = active;
  active = recorder;
  try {
    return search();
  } finally {
    active = before;
  }
}

/** Runs `search` with no recorder: its runs (a recheck, a replay) are not part of the search recorded. */
export function withoutLockWatch<T>(search: () => T): T {
  return withLockWatch(null, search);
}
