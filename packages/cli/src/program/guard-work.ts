import { tooMuchWork, type WorkEstimate } from '../commands/estimate.js';
import { UsageError } from '../errors.js';
import type { Io } from './io.js';

/** Refuses work estimated too large unless forced; with `--force` it warns and goes on. */
export function guardWork(what: string, estimate: WorkEstimate, preemptions: number | undefined, force: boolean, io: Io, hint = 'narrow --threads/--max-ops, add --preemptions'): void {
  const problem = tooMuchWork(estimate, preemptions);
  if (problem === undefined) return;
  if (!force) throw new UsageError(`${what}: bound too large to explore: ${problem}; ${hint}, or pass --force`);
  io.err(`kvmrace: warning: ${what}: ${problem}; exploring anyway (--force)`);
}
