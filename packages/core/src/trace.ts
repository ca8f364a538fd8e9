import type { AccessMode } from './step.js';

/** One object a traced step touched, with its value just after the step. */
export interface TracedAccess {
  /** The object's kernel name. */
  readonly name: string;
  /** Its kind (`var`, `lock`, `srcu`...). */
  readonly kind: string;
  /** Read or write. */
  readonly mode: AccessMode;
  /** Its value after the step, as text. */
  readonly value: string;
}

/** One step of a trace. */
export interface TraceEntry {
  /** Step index from 0. */
  readonly index: number;
  /** The thread (CPU) that took it. */
  readonly thread: number;
  /** The operation that thread was running. */
  readonly operation: string;
  /** The kernel function the step belongs to. */
  readonly fn: string;
  /** What the step did. */
  readonly label: string;
  /** What it touched and the values after it. */
  readonly accesses: readonly TracedAccess[];
  /** True when this step switched away from a thread that could have continued. */
  readonly preempted: boolean;
  /** Under a weak memory model: the reads of this step that did not read the latest write. */
  readonly staleReads?: readonly StaleRead[];
}

/** A read that read a write other than its location's latest (a weak edge), for race tables and swimlanes. */
export interface StaleRead {
  /** The object read. */
  readonly object: string;
  /** The value it read, as text. */
  readonly value: string;
  /** The step of the write it read from; -1 for the initial value. */
  readonly fromStep: number;
  /** The thread of that write; -1 for the initial value. */
  readonly fromThread: number;
  /** The steps of the later writes it did not see. */
  readonly unseen: readonly number[];
}
