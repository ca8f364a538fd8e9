// What a run under weak memory did, thread by thread: what its litmus test is written from.

/** One event of a run under weak memory, as `snapshot()` gives it (for a litmus test of the run). */
export interface WeakEventSnapshot {
  readonly kind: 'R' | 'W' | 'F';
  /** Index in `locations`; -1 for a fence without one. */
  readonly loc: number;
  readonly tags: number;
  /** For the write of an RMW: the index of its read in the thread. */
  readonly rmwRead: number;
  /** Thread-local indices of the reads its value depends on (an srcu_read_unlock's lock). */
  readonly data: readonly number[];
  /** The value read (from the write it reads from) or written. */
  readonly value: unknown;
}

/** A run's memory events, thread by thread. */
export interface WeakRunSnapshot {
  readonly locations: ReadonlyArray<{ readonly name: string; readonly kind: string; readonly initial: unknown }>;
  readonly threads: ReadonlyArray<readonly WeakEventSnapshot[]>;
}
