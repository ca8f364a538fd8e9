import { enumerateScenarios, estimateCost, execute, RandomWalk, type AnyModel, type CostEstimate, type Scenario, type VerifyEngine } from '@kvmrace/core';

/** How much work an exhaustive verification is, before any reduction: what `--force` guards. */
export interface WorkEstimate {
  /** Scenarios to explore (an upper bound for generated ones: `allowed` and caps are ignored). */
  readonly scenarios: number;
  /** Interleavings of all of them, within the preemption bound, before partial-order reduction. */
  readonly interleavings: number;
}

/**
 * Limits past which `verify` and `ablate` refuse without `--force`. Under a preemption bound the
 * explorer runs about as many executions as the estimate; without one, DPOR runs a small fraction
 * of the interleavings (every catalogue here is below 1e23 and takes seconds), so its limit is high.
 */
export const WORK_LIMITS = { scenarios: 20_000, bounded: 1e9, unbounded: 1e24 } as const;

/** Bounds a verification runs under. */
export interface WorkBounds {
  readonly threads?: number;
  readonly maxOps?: number;
  readonly preemptions?: number;
}

/**
 * Estimates the work of verifying `model`: the steps each operation takes alone (one run each)
 * stand for its cost in any interleaving, and a scenario's interleavings are the multinomial of
 * its threads' steps, or fewer under a preemption bound. Generated scenarios are counted without
 * being listed, so a huge bound is refused before anything is built.
 */
export function estimateWork(model: AnyModel, fixes: readonly string[], bounds: WorkBounds, catalogue?: readonly Scenario[]): WorkEstimate {
  const fixSet = new Set(fixes);
  const steps = new Map<string, number>();
  for (const op of model.operationNames) {
    const alone = execute(model, fixSet, [[op]], new RandomWalk(1));
    // An operation that fails alone fails the first execution too: it costs nothing to find.
    steps.set(op, alone.outcome.kind === 'ok' ? Math.max(1, alone.schedule.length) : 1);
  }
  const k = bounds.preemptions;
  if (catalogue) {
    let interleavings = 0;
    for (const s of catalogue) interleavings += Math.exp(logInterleavings(s.map((ops) => ops.reduce((n, op) => n + (steps.get(op) ?? 1), 0)), k));
    return { scenarios: catalogue.length, interleavings };
  }
  const space = model.scenarios;
  const maxThreads = Math.min(bounds.threads ?? space.maxThreads, space.maxThreads);
  const maxOps = Math.min(bounds.maxOps ?? space.maxOps, space.maxOps);
  const perThread = Math.min(space.maxOpsPerThread, maxOps);
  const longest = Math.max(...steps.values());
  const vocabulary = model.operationNames.length;
  // ways[t][n]: ordered t-tuples of non-empty operation sequences with n operations in all.
  const ways: number[][] = [[1, ...new Array<number>(maxOps).fill(0)]];
  for (let t = 1; t <= maxThreads; t++) {
    const row = new Array<number>(maxOps + 1).fill(0);
    for (let n = 1; n <= maxOps; n++) {
      for (let len = 1; len <= Math.min(perThread, n); len++) row[n] = (row[n] as number) + vocabulary ** len * ((ways[t - 1] as number[])[n - len] as number);
    }
    ways.push(row);
  }
  let scenarios = 0;
  let interleavings = 0;
  for (let t = Math.max(1, space.minThreads ?? 1); t <= maxThreads; t++) {
    for (let n = t; n <= maxOps; n++) {
      const count = (ways[t] as number[])[n] as number;
      if (count === 0) continue;
      scenarios += count;
      // The worst split: n operations spread as evenly as the threads allow, each as long as the longest.
      const threadSteps = Array.from({ length: t }, (_, i) => (Math.floor(n / t) + (i < n % t ? 1 : 0)) * longest);
      interleavings += count * Math.exp(logInterleavings(threadSteps, k));
    }
  }
  return { scenarios, interleavings };
}

/** Natural log of the number of interleavings of threads with these step counts, with at most `k` preemptions. */
function logInterleavings(threadSteps: readonly number[], k: number | undefined): number {
  const total = threadSteps.reduce((a, b) => a + b, 0);
  const multinomial = logFactorial(total) - threadSteps.reduce((a, n) => a + logFactorial(n), 0);
  if (k === undefined) return multinomial;
  // A schedule with c preemptions: where they fall (c of the steps), whom each goes to, and the order threads finish in.
  const t = threadSteps.length;
  let bounded = 0;
  for (let c = 0; c <= Math.min(k, total); c++) bounded += Math.exp(logChoose(total, c) + c * Math.log(Math.max(1, t - 1)));
  return Math.min(multinomial, logFactorial(t) + Math.log(bounded));
}

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** `3.2e+14` as "about 3.2e14", small numbers as they are. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'more than 1e308';
  if (n < 1e6) return String(Math.round(n));
  return `about ${n.toExponential(1).replace('e+', 'e')}`;
}

/** Why the work is too much to start without `--force`, or undefined when it is fine. */
export function tooMuchWork(e: WorkEstimate, preemptions: number | undefined): string | undefined {
  const limit = preemptions === undefined ? WORK_LIMITS.unbounded : WORK_LIMITS.bounded;
  const what = `${formatCount(e.scenarios)} scenarios, ${formatCount(e.interleavings)} interleavings${preemptions === undefined ? ' before partial-order reduction' : ` within ${preemptions} preemptions`}`;
  if (e.scenarios > WORK_LIMITS.scenarios) return `${what} (more than ${WORK_LIMITS.scenarios} scenarios)`;
  if (!(e.interleavings <= limit)) return `${what} (limit ${limit.toExponential(0).replace('e+', 'e')})`;
  return undefined;
}

/** Default of `--max-time`: the longest verification started without `--force`, in seconds. */
export const DEFAULT_MAX_TIME_S = 600;

/** Below this many interleavings (before reduction) a search is short: no probe is worth it. */
const PROBE_ABOVE = 1e6;

/** Whether `verifyCost` probes this work (it is too small to be worth an estimate otherwise). */
export function willProbe(work: WorkEstimate, share: number): boolean {
  return work.interleavings * share >= PROBE_ABOVE;
}

/**
 * The estimated cost of the verification `verify` will run (see core's `estimateCost`, which
 * probes the real reduced search), or undefined when the bound is so small that its interleavings
 * before any reduction are few: then it is cheaper to run than to estimate.
 */
export function verifyCost(
  model: AnyModel,
  fixes: readonly string[],
  bounds: WorkBounds & { readonly engine?: VerifyEngine },
  work: WorkEstimate,
  share: number,
  /** Called after each execution the probes run. */
  poll?: () => void,
): CostEstimate | undefined {
  if (!willProbe(work, share)) return undefined;
  const generated = bounds.threads !== undefined || bounds.maxOps !== undefined;
  const scenarios = generated
    ? enumerateScenarios(model, { ...(bounds.threads !== undefined ? { threads: bounds.threads } : {}), ...(bounds.maxOps !== undefined ? { maxOps: bounds.maxOps } : {}) })
    : model.scenarios.catalogue.map((s) => s.threads);
  const e = estimateCost(model, fixes, scenarios, {
    ...(bounds.engine !== undefined ? { engine: bounds.engine } : {}),
    ...(bounds.preemptions !== undefined ? { preemptions: bounds.preemptions } : {}),
    ...(poll ? { poll } : {}),
  });
  return { ...e, executions: e.executions * share, ms: e.ms * share };
}

/** `about 8.6e4 executions, about 25 s` (or `exactly ...` when every scenario was probed to its end). */
export function formatCost(e: CostEstimate): string {
  const executions = e.exact ? `${Math.round(e.executions)} executions` : `${formatCount(e.executions).replace(/^(\d+)$/, 'about $1')} executions`;
  const s = e.ms / 1000;
  return `${executions}, about ${s < 10 ? s.toFixed(1) : formatCount(Math.round(s))} s on one thread (probed ${e.probed} of ${e.scenarios} scenarios)`;
}

/**
 * Why the estimated time is too long to start without `--force`, or undefined. A probe that
 * failed means the search will stop early (at its first failure): no refusal then.
 */
export function tooLong(e: CostEstimate | undefined, maxTimeS: number): string | undefined {
  if (!e || e.failed || e.ms / 1000 <= maxTimeS) return undefined;
  return `estimated ${formatCost(e)}, more than --max-time ${maxTimeS} s`;
}
