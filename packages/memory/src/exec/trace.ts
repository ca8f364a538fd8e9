import type { Kind } from './tags.js';

/** One event of a thread's run, before it is placed in an execution graph. */
export interface TraceEvent {
  readonly kind: Kind;
  /** The location accessed (also a lock's, an srcu_struct's for synchronize_srcu()); -1 for a fence. */
  readonly loc: number;
  /** The value read or written (0 for a fence). */
  readonly value: number;
  readonly tags: number;
  /** Thread-local indices of the reads this event's address depends on. */
  readonly addr: readonly number[];
  /** Thread-local indices of the reads this write's value depends on. */
  readonly data: readonly number[];
  /** Thread-local indices of the reads an enclosing `if` condition depends on. */
  readonly ctrl: readonly number[];
  /** For the write of a read-modify-write: the thread-local index of its read; else -1. */
  readonly rmwRead: number;
  /** For a read of a value from the domain: the index of that value in its location's domain; else -1. */
  readonly choice: number;
}

/** One run of a thread with its reads' values chosen: its events and final registers. */
export interface ThreadTrace {
  readonly events: readonly TraceEvent[];
  readonly registers: readonly number[];
  /** Events without their values: traces of equal shape share the value-independent relations. */
  readonly shape: string;
}
