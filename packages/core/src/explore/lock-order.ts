import type { AnyModel } from '../model.js';
import { chainOf } from './lock-order-chain.js';
import { irqUsageOf } from './lock-order-irq.js';
import { LockOrderRecorder } from './lock-order-recorder.js';
import { lockOrderReport, type LockOrderReport } from './lock-order-report.js';
import { withLockWatch } from './lock-order-watch.js';

/**
 * Runs `search` (a verification, a hunt: anything that makes runs of `model` with `fixes`) while
 * recording, for every lock taken in every run, the locks its thread held and whether it was taken
 * with interrupts on or in an interrupt handler; then reports the cycles of that order graph and
 * the locks taken both ways as lockdep would, with each first execution replayed for the kernel
 * functions that took the locks.
 */
export function withLockOrder<T>(model: AnyModel, fixes: readonly string[], search: () => T): { result: T; lockOrder: LockOrderReport } {
  const recorder = new LockOrderRecorder();
  const result = withLockWatch(recorder, search);
  const chains = [...recorder.dependencies.values()].map((w) => chainOf(model, fixes, w));
  const usages = [...recorder.irqUsages.values()].map((w) => irqUsageOf(model, fixes, w));
  return { result, lockOrder: lockOrderReport(chains, usages) };
}
