import { OpLog } from './op-log.js';

/**
 * What a liveness search listens to while it runs a model: the points where a thread's future
 * depends only on the shared state and the locals it names (see `loopHead`).
 */
export class LivenessLog extends OpLog {
  /** Thread `tid` is at a point named by `mark`: its record restarts there, like at an operation start. */
  restart(tid: number, mark: string): void {
    this.marks[tid] = mark;
  }
}

/** The log of the liveness search running now (runs are synchronous: one at a time). */
let active: LivenessLog | null = null;

/** Runs `body` with `log` told of every `loopHead`. */
export function withLivenessLog<T>(log: LivenessLog, body: () => T): T {
  const before = active;
  active = log;
  try {
    return body();
  } finally {
    active = before;
  }
}

/** The log of the liveness search running now, if any. */
export function activeLivenessLog(): LivenessLog | null {
  return active;
}

/**
 * The head of a retry loop: from here the thread's future depends only on the shared state and
 * `locals` (plain data: the loop's live locals), so the liveness search may find the thread
 * here again, one turn later, in the same state. Call it at the top of every loop that may turn
 * for ever (`do { ... } while (mmu_notifier_retry_cache(...))`); it takes no step, and outside a
 * liveness search it does nothing. Naming too few locals makes two different states one: the
 * search then confirms every lasso on a concrete run, but may miss some.
 */
export function loopHead(t: { readonly tid: number }, where: string, locals?: unknown): void {
  if (active !== null) active.restart(t.tid, `loop:${where}:${locals === undefined ? '' : JSON.stringify(locals)}`);
}
