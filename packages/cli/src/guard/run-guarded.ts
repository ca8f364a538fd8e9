import { Worker } from 'node:worker_threads';
import { EXIT } from '../errors.js';
import { describeStuck, type ModelNames } from './guard-model.js';
import { CELL, newWatchdogCell } from './watchdog-cell.js';

/** Limits a guarded run enforces on the user's model code. */
export interface GuardLimits {
  /** Longest a single call into the model (one step, setup, an invariant) may take. */
  readonly stepTimeoutMs: number;
  /** Heap of the worker the model runs in. */
  readonly maxMemoryMb: number;
}

/** Defaults of `--step-timeout` (seconds) and `--max-memory` (MB). */
export const DEFAULT_LIMITS = { stepTimeoutSeconds: 10, maxMemoryMb: 4096 } as const;

/** Allowed `--step-timeout` seconds and `--max-memory` MB. */
export const STEP_TIMEOUT_RANGE = [1, 86_400] as const;
export const MAX_MEMORY_RANGE = [64, 1_048_576] as const;

/**
 * Starting the worker and loading the model file (the CLI, the TypeScript compiler, the file and
 * its imports) is not one step and is slow on a loaded machine, so it gets a longer limit.
 */
export function loadLimitMs(stepTimeoutMs: number): number {
  return Math.max(3 * stepTimeoutMs, stepTimeoutMs + 10_000);
}

/** What the parent hands the worker. */
export interface GuardedWorkerData {
  readonly argv: readonly string[];
  readonly cell: Int32Array;
  readonly interactive: boolean;
}

/** What the worker tells the parent. */
export type WorkerMessage =
  | { readonly type: 'out' | 'err'; readonly text: string }
  | { readonly type: 'names'; readonly names: ModelNames }
  | { readonly type: 'exit'; readonly code: number };

/** Where a guarded run writes (the parent's stdout and stderr). */
export interface GuardIo {
  out(text: string): void;
  err(text: string): void;
  readonly interactive: boolean;
}

/**
 * Runs the CLI on `argv` in a worker thread that holds the user's model, with a heap limit, and
 * watches it: a worker whose model code makes no progress for `stepTimeoutMs` (a synchronous
 * infinite loop inside one step, which nothing inside the thread could interrupt) is terminated,
 * and so is one that runs out of heap. Either is one line on stderr and exit 2.
 */
export function runGuarded(argv: readonly string[], limits: GuardLimits, io: GuardIo): Promise<number> {
  const cell = newWatchdogCell();
  const data: GuardedWorkerData = { argv, cell, interactive: io.interactive };
  const worker = new Worker(new URL('./worker-entry.js', import.meta.url), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb },
  });
  return new Promise<number>((resolve) => {
    let names: ModelNames | undefined;
    let code: number | undefined;
    let failure: string | undefined;
    let lastBeats = -1;
    let lastChange = performance.now();
    const fail = (message: string): void => {
      if (failure !== undefined || code !== undefined) return;
      failure = message;
      void worker.terminate();
    };
    const timer = setInterval(() => {
      const beats = cell[CELL.beats] as number;
      const now = performance.now();
      if (beats !== lastBeats) {
        lastBeats = beats;
        lastChange = now;
        return;
      }
      const loading = cell[CELL.phase] === 0;
      const limit = loading ? loadLimitMs(limits.stepTimeoutMs) : limits.stepTimeoutMs;
      if (now - lastChange < limit) return;
      const seconds = `${limit / 1000} s`;
      const model = names ? `model '${names.model}'` : 'the model file';
      const where = describeStuck(cell, names);
      if (loading) fail(`the model file did not finish loading within ${seconds}`);
      else if (where) fail(`${model}: ${where} did not return within ${seconds} (a synchronous infinite loop in one step?); raise --step-timeout if it is only slow`);
      else fail(`${model}: no step finished within ${seconds}; raise --step-timeout if it is only slow`);
    }, Math.max(20, Math.min(250, limits.stepTimeoutMs / 4)));
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'out' || m.type === 'err') io[m.type](m.text);
      else if (m.type === 'names') names = m.names;
      else if (m.type === 'exit') code = m.code;
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        fail(`${names ? `model '${names.model}'` : 'the model file'} ran out of memory (more than ${limits.maxMemoryMb} MB of heap); raise --max-memory if it needs more`);
      } else {
        fail(`internal error: ${(err.message ?? String(err)).split('\n')[0]}`);
      }
    });
    worker.on('exit', () => {
      clearInterval(timer);
      if (failure !== undefined) {
        io.err(`kvmrace: ${failure}`);
        resolve(failure.startsWith('internal error') ? 3 : EXIT.usage);
      } else {
        resolve(code ?? 3);
      }
    });
  });
}

/** The limits named on the command line (`--step-timeout s`, `--max-memory MB`), else the defaults; bad values are left for the CLI to refuse. */
export function limitsFromArgv(argv: readonly string[]): GuardLimits {
  const value = (name: string, min: number, max: number): number | undefined => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i] as string;
      const v = a === name ? argv[i + 1] : a.startsWith(`${name}=`) ? a.slice(name.length + 1) : undefined;
      if (v !== undefined && /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max) return Number(v);
    }
    return undefined;
  };
  return {
    stepTimeoutMs: (value('--step-timeout', ...STEP_TIMEOUT_RANGE) ?? DEFAULT_LIMITS.stepTimeoutSeconds) * 1000,
    maxMemoryMb: value('--max-memory', ...MAX_MEMORY_RANGE) ?? DEFAULT_LIMITS.maxMemoryMb,
  };
}

/** True when `argv` loads a model file of the user's (the runs that need guarding). */
export function loadsModelFile(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--model' || a.startsWith('--model='));
}
