import { enumerateScenarios, MAX_STEAL_THREADS, mergeVerifyResults, verifyEngineFor, type AnyModel, type Scenario, type Shard, type VerifyResult } from '@kvmrace/core';
import { verifyPiece, type PieceJob } from './piece-job.js';
import { piecesOf } from './pieces.js';
import { startStealing, stealUnits, verifyByStealing, type Stealing } from './steal-pool.js';
import type { StealUnit } from './steal-protocol.js';
import { WorkerPool } from './worker-pool.js';

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
 * `workers` worker threads, and merges their results. The stateful search's pieces are shared by
 * work stealing (`verifyByStealing`): the same verdict and counterexample for any number of
 * workers, but not the same executions, states and hits. Every other search takes whole pieces
 * one at a time: the same work and the same result for any number of workers.
 */
export async function verifyInPieces(
  source: ModelSource,
  job: PieceJob,
  shard: Shard | undefined,
  workers: number,
  onProgress?: (done: number, total: number, executions: number) => void,
  /** The estimated time of the whole work (`verifyCost`): when long, workers start at once. */
  estimatedMs = 0,
  /** The same verification by work stealing, its workers started already (`startEarly`). */
  early?: EarlyStealing,
): Promise<VerifyResult> {
  const start = performance.now();
  if (early) {
    const stolen = await verifyByStealing(source, job, early.units, early.pieces, workers, onProgress, early.stealing);
    return { ...mergeVerifyResults([{ ...stolen, scenarios: early.scenarios, ms: 0 }]), ms: Math.round(performance.now() - start) };
  }
  const scenarios = scenariosOf(source.model, job);
  const pieces = piecesOf(shard, scenarios.length);
  const progress = pieces.map(() => ({ done: 0, total: 1, executions: 0 }));
  const tell = (piece: number, done: number, total: number, executions: number): void => {
    progress[piece] = { done, total, executions };
    if (onProgress) onProgress(progress.reduce((n, p) => n + p.done, 0), progress.reduce((n, p) => n + p.total, 0), progress.reduce((n, p) => n + p.executions, 0));
  };
  const results: VerifyResult[] = new Array<VerifyResult>(pieces.length);
  // Pieces run here until the work proves long enough to pay for starting workers (each loads
  // the CLI and the model again, about half a second each); then the rest goes to the pool.
  // The stateful search steals subtrees, so even one piece left is worth sharing.
  const steal = workers > 1 && STEAL && stealable(source.model, job, scenarios);
  let i = 0;
  for (; i < pieces.length; i++) {
    if (workers > 1 && pieces.length - i > (steal ? 0 : 1) && (estimatedMs > START_AT_ONCE_MS || performance.now() - start > HANDOFF_MS)) break;
    const piece = i;
    results[piece] = verifyPiece(source.model, job, pieces[piece] as Shard, (done, total, executions) => tell(piece, done, total, executions));
  }
  if (i < pieces.length && steal) {
    const units = stealUnits(source.model, job.fixes, scenarios, pieces.slice(i));
    const before = results.slice(0, i);
    const done = before.reduce((n, r) => n + r.executions, 0);
    const stolen = await verifyByStealing(source, job, units, pieces.length - i, workers, onProgress ? (d, total, executions) => onProgress(i + d, i + total, done + executions) : undefined);
    return { ...mergeVerifyResults([...before, { ...stolen, scenarios: scenarios.length, ms: 0 }]), ms: Math.round(performance.now() - start) };
  }
  if (i < pieces.length) {
    const todo = Array.from({ length: pieces.length - i }, (_, k) => i + k);
    await runOnWorkers(source, job, pieces, todo, Math.min(workers, todo.length), results, tell);
  }
  return { ...mergeVerifyResults(results), ms: Math.round(performance.now() - start) };
}

/** A verification by work stealing started before this thread joins it (see `startStealing`). */
export interface EarlyStealing {
  readonly units: readonly StealUnit[];
  readonly stealing: Stealing;
  /** How many scenarios and pieces the units come from (not listed again). */
  readonly scenarios: number;
  readonly pieces: number;
}

/**
 * Starts the workers of a verification that will be shared by work stealing, so that they load
 * and search while this thread still estimates its cost (pass the result to `verifyInPieces`;
 * `stealing.poll()` between probes keeps them fed, `stealing.abort()` stops them); undefined when
 * it will not be shared that way (one worker, or a search other than the stateful one).
 */
export function startEarly(source: ModelSource, job: PieceJob, shard: Shard | undefined, workers: number): EarlyStealing | undefined {
  const scenarios = scenariosOf(source.model, job);
  if (workers <= 1 || !STEAL || !stealable(source.model, job, scenarios)) return undefined;
  const pieces = piecesOf(shard, scenarios.length);
  const units = stealUnits(source.model, job.fixes, scenarios, pieces);
  return { units, stealing: startStealing(source, job, units, pieces.length, workers), scenarios: scenarios.length, pieces: pieces.length };
}

/**
 * Whether workers started early (`startEarly`) are worth keeping once the cost is known: only for
 * work estimated to outlast the time after which it would be handed to workers anyway. Shorter
 * work runs here alone, as without the early start, so that its counts are the same in every run.
 */
export function keepEarly(cost: { readonly ms: number; readonly failed: boolean } | undefined): boolean {
  return cost !== undefined && !cost.failed && cost.ms > HANDOFF_MS;
}

/**
 * Whether the pool can share the search by work stealing: the stateful search without a
 * preemption bound (`StealSearch`), stopping at the first failure (`--minimal` and
 * `--lock-order` keep whole pieces).
 */
function stealable(model: AnyModel, job: PieceJob, scenarios: readonly Scenario[]): boolean {
  if (job.preemptions !== undefined || job.minimal || job.lockOrder) return false;
  if (verifyEngineFor(model, job.engine) !== 'stateful') return false;
  return scenarios.every((s) => s.length <= MAX_STEAL_THREADS);
}

/** Time after which the remaining pieces go to worker threads (tests set 0 through the environment). */
const HANDOFF_MS = Number(process.env.KVMRACE_WORKERS_AFTER_MS ?? 2000);
/** `KVMRACE_STEAL=0` shares every search as whole pieces (the benchmark compares the two). */
const STEAL = process.env.KVMRACE_STEAL !== '0';
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
  const data: PieceWorkerData = { modelName: source.model.name, ...(source.file !== undefined ? { modelFile: source.file } : {}), job };
  let next = 0;
  let finished = 0;
  return new Promise<void>((resolve, reject) => {
    const dispatch = (w: number): void => {
      if (next < todo.length) {
        const piece = todo[next++] as number;
        pool.post(w, { piece, shard: pieces[piece] });
      } else {
        pool.release(w);
      }
    };
    const pool = new WorkerPool<FromPieceWorker>(
      source,
      new URL('./piece-worker.js', import.meta.url),
      data,
      workers,
      (w, m) => {
        if (m.type === 'ready') dispatch(w);
        else if (m.type === 'progress') tell(m.piece, m.done, m.total, m.executions);
        else if (m.type === 'result') {
          results[m.piece] = m.result;
          if (++finished === todo.length) {
            pool.releaseAll();
            resolve();
          } else {
            dispatch(w);
          }
        }
      },
      reject,
    );
  });
}

/** The scenarios the verification covers (the catalogue, or those generated within the bounds). */
function scenariosOf(model: AnyModel, job: PieceJob): readonly Scenario[] {
  if (job.threads === undefined && job.maxOps === undefined) return model.scenarios.catalogue.map((s) => s.threads);
  return enumerateScenarios(model, { ...(job.threads !== undefined ? { threads: job.threads } : {}), ...(job.maxOps !== undefined ? { maxOps: job.maxOps } : {}) });
}
