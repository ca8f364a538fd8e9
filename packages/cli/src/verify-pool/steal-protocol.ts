import type { Scenario, StealSignal, StealTask, StealTaskResult } from '@kvmrace/core';
import { MAX_PIECES_PER_SHARD } from './pieces.js';
import type { PieceWorkerData } from './run-pieces.js';

/** One unit of a verification by work stealing: a scenario (and shard prefix) of one piece. */
export interface StealUnit {
  readonly scenario: Scenario;
  readonly prefix: readonly number[];
  /** The piece (see `piecesOf`) it belongs to: a piece stops at its first failing unit. */
  readonly piece: number;
}

/** What a stealing worker is started with. */
export interface StealWorkerData extends PieceWorkerData {
  /** This worker's index, and how many there are. */
  readonly worker: number;
  readonly workers: number;
  readonly units: readonly StealUnit[];
  /** The shared visited set (`SharedStateTable`). */
  readonly table: SharedArrayBuffer;
  /** The control cells (`CONTROL`). */
  readonly control: SharedArrayBuffer;
}

/** What a stealing worker tells the parent. */
export type FromStealWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'output'; readonly text: string }
  /** The answer to a request: a subtree, or none when the worker had nothing left to give. */
  | { readonly type: 'donation'; readonly task?: StealTask }
  | { readonly type: 'result'; readonly result: StealTaskResult };

const PIECES = MAX_PIECES_PER_SHARD;

/**
 * The int32 cells parent and workers share: per piece, the first unit of it known to fail (no
 * unit after it need be explored); per worker, a request to give a subtree away, and its
 * executions so far (for the progress bar); the count of messages posted to the parent.
 */
export const CONTROL = {
  cells: (workers: number): number => PIECES + 2 * workers + 1,
  /** Messages posted to the parent so far (it reads its ports only when this moved). */
  mail: (workers: number): number => PIECES + 2 * workers,
  cut: (piece: number): number => piece,
  request: (worker: number): number => PIECES + worker,
  progress: (workers: number, worker: number): number => PIECES + workers + worker,
  /** No unit fails (yet). */
  none: 0x7fffffff,
} as const;

/** What a worker's search does next: stop (a failure found earlier in its piece), give work away, or go on. */
export function signalFor(control: Int32Array, worker: number, unit: number, piece: number): StealSignal {
  if (unit >= Atomics.load(control, CONTROL.cut(piece))) return 'stop';
  if (Atomics.load(control, CONTROL.request(worker)) === 0) return 'go';
  Atomics.store(control, CONTROL.request(worker), 0);
  return 'donate';
}
