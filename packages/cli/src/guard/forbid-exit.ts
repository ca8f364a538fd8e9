import { userCodeNow } from './user-code-now.js';
import { CELL } from './watchdog-cell.js';

/**
 * Makes `process.exit()` in this thread (a worker: it would end only this thread, and kvmrace with
 * no word and exit code 3) a recorded model error: the cell says which model code called it, then
 * the thread ends, and whoever watches it (the guarded run's parent, or the verify pool) refuses
 * the run naming that code. kvmrace itself never calls `process.exit()` in a worker.
 */
export function forbidProcessExit(cell: Int32Array): void {
  const exit = process.exit.bind(process);
  process.exit = ((code?: number | string | null) => {
    if (Atomics.compareExchange(cell, CELL.exited, 0, 1) === 0) {
      const now = userCodeNow();
      Atomics.store(cell, CELL.exitKind, now.kind);
      Atomics.store(cell, CELL.exitIndex, now.index);
    }
    return exit(code ?? undefined);
  }) as typeof process.exit;
}

/** Whether model code called `process.exit()`, and where (a `UserCode`). */
export function exitRecorded(cell: Int32Array): { kind: number; index: number } | undefined {
  if (Atomics.load(cell, CELL.exited) !== 1) return undefined;
  return { kind: Atomics.load(cell, CELL.exitKind), index: Atomics.load(cell, CELL.exitIndex) };
}
