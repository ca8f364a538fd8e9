import { Worker } from 'node:worker_threads';
import { EXIT } from '../errors.js';
import { exitRecorded } from './forbid-exit.js';
import { modelLabel, modelExitMessage, outOfHeapMessage, outOfResidentMemoryMessage } from './limit-messages.js';
import { ResidentCeiling } from './resident-ceiling.js';
import { describeCode, type ModelNames } from './user-code-now.js';
import { CELL, newWatchdogCell, SLOT, slotBase, slotsInUse, USER_CODE } from './watchdog-cell.js';

/** Limits a guarded run enforces on the user's model code. */
export interface GuardLimits {
  /** Longest a single call into the model (one step, setup, an invariant) may take. */
  readonly stepTimeoutMs: number;
  /** Memory the model may take: the heap of every thread it runs in, and the whole process's resident memory beyond kvmrace's own. */
  readonly maxMemoryMb: number;
}

/** Defaults of `--step-timeout` (seconds) and `--max-memory` (MB). */
export const DEFAULT_LIMITS = { stepTimeoutSeconds: 10, maxMemoryMb: 4096 } as const;

/** Allowed `--step-timeout` seconds and `--max-memory` MB. */
export const STEP_TIMEOUT_RANGE = [1, 86_400] as const;
export const MAX_MEMORY_RANGE = [64, 1_048_576] as const;

/**
 * Starting a worker and loading the model file (the CLI, the TypeScript compiler, the file and
 * its imports) is not one step and is slow on a loaded machine, so it gets a longer limit.
 */
export function loadLimitMs(stepTimeoutMs: number): number {
  return Math.max(3 * stepTimeoutMs, stepTimeoutMs + 10_000);
}

/** How often the parent looks at the cell and the process's memory. */
const WATCH_MS = 50;

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
 * watches it and the verify pool workers it starts: a thread that stays inside one call into the
 * model's code for `stepTimeoutMs` (a synchronous infinite loop inside one step, which nothing
 * inside the thread could interrupt) is stopped, and so is a run whose model takes more memory than
 * `maxMemoryMb` (a thread's heap, or the whole process's resident memory beyond kvmrace's own), and
 * a model that calls `process.exit()`. Each is one line on stderr and exit 2. Only the model's own
 * time counts: a thread starting or loading the model file has a longer limit of its own, and the
 * engine's work between calls into the model is not timed.
 */
export function runGuarded(argv: readonly string[], limits: GuardLimits, io: GuardIo): Promise<number> {
  const cell = newWatchdogCell();
  Atomics.store(cell, CELL.maxMemoryMb, limits.maxMemoryMb);
  const ceiling = new ResidentCeiling(limits.maxMemoryMb, cell);
  const data: GuardedWorkerData = { argv, cell, interactive: io.interactive };
  const worker = new Worker(new URL('./worker-entry.js', import.meta.url), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb },
  });
  return new Promise<number>((resolve) => {
    let names: ModelNames | undefined;
    let code: number | undefined;
    let failure: string | undefined;
    const fail = (message: string): void => {
      if (failure !== undefined || code !== undefined) return;
      failure = message;
      void worker.terminate();
    };
    // Per thread slot: the beats last seen, and since when the thread has been in the same call.
    const seen = new Map<number, { beats: number; since: number }>();
    const timer = setInterval(() => {
      if (ceiling.exceeded()) return fail(outOfResidentMemoryMessage(names, limits.maxMemoryMb));
      const now = performance.now();
      for (const slot of slotsInUse(cell)) {
        const base = slotBase(slot);
        const beats = Atomics.load(cell, base + SLOT.beats);
        const kind = Atomics.load(cell, base + SLOT.kind);
        const loading = slot === 0 ? Atomics.load(cell, CELL.phase) === 0 : kind === USER_CODE.loading;
        const last = seen.get(slot);
        // Time outside the model's code (the engine's, a worker waiting) is not the model's.
        if (!last || last.beats !== beats || (!loading && kind === USER_CODE.none)) {
          seen.set(slot, { beats, since: now });
          continue;
        }
        const limit = loading ? loadLimitMs(limits.stepTimeoutMs) : limits.stepTimeoutMs;
        if (now - last.since < limit) continue;
        const seconds = `${limit / 1000} s`;
        if (loading) return fail(slot === 0 ? `the model file did not finish loading within ${seconds}` : `a verify worker did not finish loading the model file within ${seconds}`);
        const where = describeCode({ kind, index: Atomics.load(cell, base + SLOT.index) }, names) ?? 'its code';
        return fail(`${modelLabel(names)}: ${where} did not return within ${seconds} (a synchronous infinite loop in one step?); raise --step-timeout if it is only slow`);
      }
    }, WATCH_MS);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'out' || m.type === 'err') io[m.type](m.text);
      else if (m.type === 'names') names = m.names;
      else if (m.type === 'exit') {
        code = m.code;
        // Everything the worker printed came before this message; a timer the model left behind must not keep it alive.
        void worker.terminate();
      }
    });
    worker.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') fail(outOfHeapMessage(names, limits.maxMemoryMb));
      else fail(`internal error: ${(err.message ?? String(err)).split('\n')[0]}`);
    });
    worker.on('exit', () => {
      clearInterval(timer);
      if (failure === undefined && code === undefined) {
        const exited = exitRecorded(cell);
        failure = exited
          ? modelExitMessage(names, describeCode(exited, names), Atomics.load(cell, CELL.phase) === 0)
          : 'internal error: the worker running the model stopped without a word';
      }
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
