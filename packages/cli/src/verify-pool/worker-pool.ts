import { Worker, type Transferable } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import { exitRecorded } from '../guard/forbid-exit.js';
import { modelNames } from '../guard/guard-model.js';
import { modelExitMessage, outOfHeapMessage } from '../guard/limit-messages.js';
import { forwardModelOutput } from '../guard/model-output.js';
import { describeCode } from '../guard/user-code-now.js';
import { CELL, SLOT, slotBase, takePoolSlot, USER_CODE } from '../guard/watchdog-cell.js';
import type { ModelSource, PieceWorkerData } from './run-pieces.js';

/** What every pool worker can tell the parent besides its own messages. */
type PoolMessage = { readonly type: 'ready' } | { readonly type: 'output'; readonly text: string };

/**
 * Worker threads of one verification, each loading the model again (`loadWorkerModel`): guarded
 * as the CLI is (the heap limit of --max-memory, a slot of its own in the watchdog cell), a crash,
 * an exit from the model or running out of heap failing the whole pool with the message the CLI
 * gives for it. `onMessage` gets each worker's `ready` and its own messages.
 */
export class WorkerPool<M extends { readonly type: string }> {
  private readonly workers: Worker[] = [];
  private readonly ready = new Set<number>();
  /** Workers told they are done: their exit is expected. */
  private readonly released = new Set<number>();
  private failed = false;

  constructor(
    private readonly source: ModelSource,
    script: URL,
    data: PieceWorkerData,
    count: number,
    onMessage: (w: number, m: M | { readonly type: 'ready' }) => void,
    private readonly onFail: (err: Error) => void,
    /** More data for worker `i`, and what to transfer to it (a `MessagePort`, say). */
    perWorker?: (i: number) => { readonly data: Record<string, unknown>; readonly transfer: readonly Transferable[] },
  ) {
    const cell = source.watchdog;
    const heapMb = cell ? Atomics.load(cell, CELL.maxMemoryMb) : 0;
    for (let i = 0; i < count; i++) {
      const slot = cell ? takePoolSlot(cell) : undefined;
      if (cell) Atomics.add(cell, CELL.poolWorkers, 1);
      const extra = perWorker?.(i);
      const w = new Worker(script, {
        workerData: { ...data, worker: i, ...extra?.data, ...(slot !== undefined ? { slot } : {}), ...(source.watchdog ? { watchdog: source.watchdog } : {}) },
        ...(extra ? { transferList: [...extra.transfer] as never } : {}),
        ...(heapMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
      });
      this.workers.push(w);
      w.on('message', (m: M | PoolMessage) => {
        if (m.type === 'output') forwardModelOutput((m as { text: string }).text);
        else if (m.type === 'ready') {
          this.ready.add(i);
          if (this.released.has(i)) w.postMessage('done');
          else onMessage(i, m);
        } else onMessage(i, m as M);
      });
      w.on('error', (err: Error & { code?: string }) => {
        this.fail(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new UsageError(outOfHeapMessage(modelNames(source.model), heapMb)) : err);
      });
      w.on('exit', (exitCode) => {
        if (cell && slot !== undefined) {
          Atomics.sub(cell, CELL.poolWorkers, 1);
          Atomics.store(cell, slotBase(slot) + SLOT.kind, USER_CODE.none);
        }
        if (this.released.has(i) || this.failed) return;
        const exited = cell ? exitRecorded(cell) : undefined;
        if (exited) {
          const names = modelNames(source.model);
          this.fail(new UsageError(modelExitMessage(names, describeCode(exited, names), exited.kind === USER_CODE.loading)));
        } else {
          this.fail(new Error(`a verify worker stopped before its work was done (exit code ${exitCode})`));
        }
      });
    }
  }

  /** Sends worker `w` a message. */
  post(w: number, message: unknown): void {
    this.workers[w]?.postMessage(message);
  }

  /** Tells worker `w` it is done (one still loading has done nothing: it need not finish loading). */
  release(w: number): void {
    this.released.add(w);
    if (this.ready.has(w)) this.workers[w]?.postMessage('done');
    else void this.workers[w]?.terminate();
  }

  /** Releases every worker. */
  releaseAll(): void {
    for (let w = 0; w < this.workers.length; w++) if (!this.released.has(w)) this.release(w);
  }

  /** Stops every worker at once, busy or not (work no longer wanted). */
  terminateAll(): void {
    for (let w = 0; w < this.workers.length; w++) {
      this.released.add(w);
      void this.workers[w]?.terminate();
    }
  }

  private fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    for (const w of this.workers) void w.terminate();
    this.onFail(err);
  }
}
