import { enumerateScenarios, mergeVerifyResults, type AnyModel, type Shard, type VerifyResult } from '@kvmrace/core';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import { exitRecorded } from '../guard/forbid-exit.js';
import { modelNames } from '../guard/guard-model.js';
import { modelExitMessage, outOfHeapMessage } from '../guard/limit-messages.js';
import { forwardModelOutput } from '../guard/model-output.js';
import { describeCode } from '../guard/user-code-now.js';
import { CELL, SLOT, slotBase, takePoolSlot, USER_CODE } from '../guard/watchdog-cell.js';
import { verifyPiece, type PieceJob } from './piece-job.js';
import { piecesOf } from './pieces.js';

/** What a piece worker is started with. */
export interface PieceWorkerData {
  /** A built-in model's name, or (with `modelFile`) the loaded file's model name. */
  readonly modelName: string;
  /** The user's model file, loaded again in the worker. */
  readonly modelFile?: string;
  /** The guarded CLI's watchdog cell, so the workers' progress counts as the model's. */
  readonly watchdog?: Int32Array;
  /** This worker's slot in the watchdog cell. */
  readonly slot?: number;
  readonly job: PieceJob;
}

/** What a piece worker tells the parent. */
export type FromPieceWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'output'; readonly text: string }
  | { readonly type: 'progress'; readonly piece: number; readonly done: number; readonly total: number; readonly executions: number }
  | { readonly type: 'result'; readonly piece: number; readonly result: VerifyResult };

/** Where the model comes from, for workers that must load it themselves. */
export interface ModelSource {
  readonly model: AnyModel;
  readonly file?: string;
  readonly watchdog?: Int32Array;
}

/**
 * Verifies the pieces of one shard (see `piecesOf`), here or, once the work has taken a while, on
 * `workers` worker threads that each take the next piece when they finish one, and merges their
 * results: the same work and the same result for any number of workers.
 */
export async function verifyInPieces(
  source: ModelSource,
  job: PieceJob,
  shard: Shard | undefined,
  workers: number,
  onProgress?: (done: number, total: number, executions: number) => void,
  /** The estimated time of the whole work (`verifyCost`): when long, workers start at once. */
  estimatedMs = 0,
): Promise<VerifyResult> {
  const start = performance.now();
  const pieces = piecesOf(shard, scenarioCount(source.model, job));
  const progress = pieces.map(() => ({ done: 0, total: 1, executions: 0 }));
  const tell = (piece: number, done: number, total: number, executions: number): void => {
    progress[piece] = { done, total, executions };
    if (onProgress) onProgress(progress.reduce((n, p) => n + p.done, 0), progress.reduce((n, p) => n + p.total, 0), progress.reduce((n, p) => n + p.executions, 0));
  };
  const results: VerifyResult[] = new Array<VerifyResult>(pieces.length);
  // Pieces run here until the work proves long enough to pay for starting workers (each loads
  // the CLI and the model again, about half a second each); then the rest goes to the pool.
  let i = 0;
  for (; i < pieces.length; i++) {
    if (workers > 1 && pieces.length - i > 1 && (estimatedMs > START_AT_ONCE_MS || performance.now() - start > HANDOFF_MS)) break;
    const piece = i;
    results[piece] = verifyPiece(source.model, job, pieces[piece] as Shard, (done, total, executions) => tell(piece, done, total, executions));
  }
  if (i < pieces.length) {
    const todo = Array.from({ length: pieces.length - i }, (_, k) => i + k);
    await runOnWorkers(source, job, pieces, todo, Math.min(workers, todo.length), results, tell);
  }
  return { ...mergeVerifyResults(results), ms: Math.round(performance.now() - start) };
}

/** Time after which the remaining pieces go to worker threads (tests set 0 through the environment). */
const HANDOFF_MS = Number(process.env.KVMRACE_WORKERS_AFTER_MS ?? 2000);
/** An estimate this long (probes run slower than the search, so it is generous) starts the workers at once. */
const START_AT_ONCE_MS = 10_000;

function runOnWorkers(
  source: ModelSource,
  job: PieceJob,
  pieces: readonly Shard[],
  todo: readonly number[],
  workers: number,
  results: VerifyResult[],
  tell: (piece: number, done: number, total: number, executions: number) => void,
): Promise<void> {
  const data: PieceWorkerData = {
    modelName: source.model.name,
    ...(source.file !== undefined ? { modelFile: source.file } : {}),
    ...(source.watchdog ? { watchdog: source.watchdog } : {}),
    job,
  };
  // Guarded: every worker gets the heap limit of --max-memory and a slot of its own in the cell.
  const cell = source.watchdog;
  const heapMb = cell ? Atomics.load(cell, CELL.maxMemoryMb) : 0;
  let next = 0;
  let finished = 0;
  return new Promise<void>((resolve, reject) => {
    const pool: Worker[] = [];
    // Workers told they are done: their exit is expected.
    const released = new Set<Worker>();
    let failed = false;
    const fail = (err: Error): void => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(err);
    };
    const ready = new Set<Worker>();
    const release = (w: Worker): void => {
      released.add(w);
      // One still loading has done nothing: it need not finish loading.
      if (ready.has(w)) w.postMessage('done');
      else void w.terminate();
    };
    const dispatch = (w: Worker): void => {
      if (next < todo.length) {
        const piece = todo[next++] as number;
        w.postMessage({ piece, shard: pieces[piece] });
      } else {
        release(w);
      }
    };
    for (let i = 0; i < workers; i++) {
      const slot = cell ? takePoolSlot(cell) : undefined;
      if (cell) Atomics.add(cell, CELL.poolWorkers, 1);
      const w = new Worker(new URL('./piece-worker.js', import.meta.url), {
        workerData: { ...data, ...(slot !== undefined ? { slot } : {}) },
        ...(heapMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: heapMb } } : {}),
      });
      pool.push(w);
      w.on('message', (m: FromPieceWorker) => {
        if (m.type === 'ready') {
          ready.add(w);
          if (released.has(w)) w.postMessage('done');
          else dispatch(w);
        }
        else if (m.type === 'output') forwardModelOutput(m.text);
        else if (m.type === 'progress') tell(m.piece, m.done, m.total, m.executions);
        else {
          results[m.piece] = m.result;
          if (++finished === todo.length) {
            for (const x of pool) release(x);
            resolve();
          } else {
            dispatch(w);
          }
        }
      });
      w.on('error', (err: Error & { code?: string }) => {
        fail(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new UsageError(outOfHeapMessage(modelNames(source.model), heapMb)) : err);
      });
      w.on('exit', (exitCode) => {
        if (cell && slot !== undefined) {
          Atomics.sub(cell, CELL.poolWorkers, 1);
          Atomics.store(cell, slotBase(slot) + SLOT.kind, USER_CODE.none);
        }
        if (released.has(w) || failed) return;
        const exited = cell ? exitRecorded(cell) : undefined;
        if (exited) {
          const names = modelNames(source.model);
          fail(new UsageError(modelExitMessage(names, describeCode(exited, names), exited.kind === USER_CODE.loading)));
        } else {
          fail(new Error(`a verify worker stopped before its work was done (exit code ${exitCode})`));
        }
      });
    }
  });
}

/** How many scenarios the verification covers (the catalogue, or those generated within the bounds). */
function scenarioCount(model: AnyModel, job: PieceJob): number {
  if (job.threads === undefined && job.maxOps === undefined) return model.scenarios.catalogue.length;
  return enumerateScenarios(model, { ...(job.threads !== undefined ? { threads: job.threads } : {}), ...(job.maxOps !== undefined ? { maxOps: job.maxOps } : {}) }).length;
}
