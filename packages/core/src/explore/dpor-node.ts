import type { Footprint } from './footprint.js';
import type { TrackerSnapshot } from './state-tracker.js';
import type { WakeupNode } from './dpor-wakeup-tree.js';

// What DPOR keeps per event and per state of the current execution (see dpor-search.ts).

/** An event of the current execution (a step taken), with its vector clock. */
export interface Event {
  readonly tid: number;
  /** Index of this event among its thread's events. */
  readonly local: number;
  /** Per thread, how many of its events happen before this one (itself included). */
  readonly vc: Int32Array;
  /** Per thread, how many of its events are at positions up to and including this one. */
  readonly counts: Int32Array;
  readonly fp: Footprint;
  /** The step could block (it has an `enabled` test). */
  readonly blocks: boolean;
}

/** A sleeping thread: the footprint of its pending step, and whether that step cut a run short. */
export interface Sleeper {
  readonly fp: Footprint;
  /** Deferred rather than covered: see the cut-short rule in `dpor`'s header (dpor.ts). */
  readonly cut: boolean;
}

export interface Node {
  /** Threads enabled in this state, in id order. */
  readonly enabled: readonly number[];
  /** The wakeup tree's branches not begun yet (see dpor-wakeup-tree.ts). */
  readonly wut: WakeupNode[];
  /** The subtree to follow after `chosen`. */
  guide: WakeupNode[];
  readonly done: Set<number>;
  /** Sleeping threads with the footprint of their pending step. */
  readonly sleep: Map<number, Sleeper>;
  /** True inside the fixed prefix. */
  readonly frozen: boolean;
  chosen: number;
  chosenFp: Footprint | null;
  /** The execution ended right after `chosen`, cut short with threads still live. */
  cut: boolean;
  /** With `countStates`: the state identity tracker's data here. */
  snap?: TrackerSnapshot;
  /** Executions when the branch in progress began, and what the last finished one took (-1: none), for estimates. */
  started: number;
  lastCost: number;
  firstCost: number;
}

/** True when `a` happens before `b` (program order and dependence, transitively). */
export function happensBefore(a: Event, b: Event): boolean {
  return (b.vc[a.tid] as number) > a.local;
}
