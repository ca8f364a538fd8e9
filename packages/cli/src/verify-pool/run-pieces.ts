import { mergeVerifyResults, type AnyModel, type Shard, type VerifyResult } from '@kvmrace/core';
import { Worker } from 'node:worker_threads';
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
  readonly job: PieceJob;
}

/** What a piece worker tells the parent. */
export type FromPieceWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly piece: number; readonly done: number; readonly total: number }
  | { readonly type: 'result'; readonly piece: number; readonly result: VerifyResult };

/** Where the model comes from, for workers that must load it themselves. */
export interface ModelSource {
  readonly model: AnyModel;
  readonly file?: string;
  readonly watchdog?: Int32Array;
}

/**
 * Verifies the pieces of one shard (see `piecesOf`) on `workers` worker threads, each taking the
 * next piece when it finishes one, and merges their results: the same work and the same result
 * for any number of workers. One worker runs them here, in this thread.
 */
export async function verifyInPieces(source: ModelSource, job: PieceJob, shard: Shard | undefined, workers: number, onProgress?: (done: number, total: number) => void): Promise<VerifyResult> {
  const start = performance.now();
  const pieces = piecesOf(shard);
  const progress = pieces.map(() => ({ done: 0, total: 1 }));
  const tell = (piece: number, done: number, total: number): void => {
    progress[piece] = { done, total };
    if (onProgress) onProgress(progress.reduce((n, p) => n + p.done, 0), progress.reduce((n, p) => n + p.total, 0));
  };
  const results: VerifyResult[] = new Array<VerifyResult>(pieces.length);
  if (workers <= 1) {
    pieces.forEach((p, i) => {
      results[i] = verifyPiece(source.model, job, p, (done, total) => tell(i, done, total));
    });
  } else {
    await runOnWorkers(source, job, pieces, Math.min(workers, pieces.length), results, tell);
  }
  return { ...mergeVerifyResults(results), ms: Math.round(performance.now() - start) };
}

function runOnWorkers(
  source: ModelSource,
  job: PieceJob,
  pieces: readonly Shard[],
  workers: number,
  results: VerifyResult[],
  tell: (piece: number, done: number, total: number) => void,
): Promise<void> {
  const data: PieceWorkerData = {
    modelName: source.model.name,
    ...(source.file !== undefined ? { modelFile: source.file } : {}),
    ...(source.watchdog ? { watchdog: source.watchdog } : {}),
    job,
  };
  let next = 0;
  let finished = 0;
  return new Promise<void>((resolve, reject) => {
    const pool: Worker[] = [];
    const fail = (err: Error): void => {
      for (const w of pool) void w.terminate();
      reject(err);
    };
    const dispatch = (w: Worker): void => {
      if (next < pieces.length) {
        const piece = next++;
        w.postMessage({ piece, shard: pieces[piece] });
      } else {
        w.postMessage('done');
      }
    };
    for (let i = 0; i < workers; i++) {
      const w = new Worker(new URL('./piece-worker.js', import.meta.url), { workerData: data });
      pool.push(w);
      w.on('message', (m: FromPieceWorker) => {
        if (m.type === 'ready') dispatch(w);
        else if (m.type === 'progress') tell(m.piece, m.done, m.total);
        else {
          results[m.piece] = m.result;
          if (++finished === pieces.length) {
            for (const x of pool) x.postMessage('done');
            resolve();
          } else {
            dispatch(w);
          }
        }
      });
      w.on('error', fail);
    }
  });
}
