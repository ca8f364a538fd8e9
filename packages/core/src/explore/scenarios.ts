import type { AnyModel } from '../model.js';
import type { Scenario } from '../scenario.js';

/** Bounds on generated scenarios. */
export interface ScenarioBounds {
  /** Most threads (default: the model's `maxThreads`). */
  readonly threads?: number;
  /** Most operations in all (default: the model's `maxOps`). */
  readonly maxOps?: number;
}

/**
 * Every scenario the model's scenario space allows within the bounds: each thread runs one to
 * `maxOpsPerThread` operations, `maxPerScenario` and `allowed` are respected. Ordered smallest
 * first (threads, then operations), then by operation names in declaration order. CPUs are not
 * assumed symmetric, so `[a] | [b]` and `[b] | [a]` are both listed.
 */
export function enumerateScenarios(model: AnyModel, bounds: ScenarioBounds = {}): Scenario[] {
  const space = model.scenarios;
  const maxThreads = Math.min(bounds.threads ?? space.maxThreads, space.maxThreads);
  const maxOps = Math.min(bounds.maxOps ?? space.maxOps, space.maxOps);
  const ops = model.operationNames;
  const perThread: string[][] = [];
  const grow = (seq: string[]): void => {
    if (seq.length > 0) perThread.push(seq);
    if (seq.length >= Math.min(space.maxOpsPerThread, maxOps)) return;
    for (const op of ops) grow([...seq, op]);
  };
  grow([]);
  perThread.sort((a, b) => a.length - b.length || compareOps(ops, a, b));
  const out: Scenario[] = [];
  for (let threads = Math.max(1, space.minThreads ?? 1); threads <= maxThreads; threads++) {
    for (let total = threads; total <= maxOps; total++) {
      const pick = (acc: string[][], left: number): void => {
        if (acc.length === threads) {
          if (left === 0 && fits(model, acc)) out.push(acc);
          return;
        }
        for (const seq of perThread) if (seq.length <= left - (threads - acc.length - 1)) pick([...acc, seq], left - seq.length);
      };
      pick([], total);
    }
  }
  return out;
}

function compareOps(ops: readonly string[], a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = ops.indexOf(a[i] as string) - ops.indexOf(b[i] as string);
    if (d !== 0) return d;
  }
  return 0;
}

function fits(model: AnyModel, threads: readonly (readonly string[])[]): boolean {
  for (const op of model.operationNames) {
    const cap = model.operations[op]?.maxPerScenario;
    if (cap !== undefined && threads.reduce((n, t) => n + t.filter((o) => o === op).length, 0) > cap) return false;
  }
  return model.scenarios.allowed ? model.scenarios.allowed(threads) : true;
}
