import { counterexampleOf, type Counterexample } from '../counterexample.js';
import { NothingCoveredError } from '../faults.js';
import type { AnyModel } from '../model.js';
import { scenarioSize, type Scenario } from '../scenario.js';
import { boundedDfs } from './bounded-dfs.js';
import { dpor } from './dpor.js';
import { hasStateInvariants } from './footprint.js';
import { compareFailures, type ExploreFailure, type ExploreResult, type ExplorerOptions } from './result.js';
import { withLockOrder } from './lock-order.js';
import { mergeLockOrderReports, type LockOrderReport } from './lock-order-report.js';
import { enumerateScenarios } from './scenarios.js';
import { shardUnits, type Shard, type WorkUnit } from './shard.js';
import { statefulSearch } from './stateful.js';

/**
 * Which exhaustive search `verify` runs without a preemption bound: `dpor`, `stateful` (stateful
 * DFS with sleep sets, see `statefulSearch`), or `auto` (default): `stateful` when the model has
 * invariants checked after every step (DPOR must then order every write they read, and explores
 * far more), `dpor` otherwise.
 */
export type VerifyEngine = 'auto' | 'dpor' | 'stateful';

/** The engine `verify` runs for `model` when asked for `engine` (`auto` picks by the model's invariants). */
export function verifyEngineFor(model: AnyModel, engine: VerifyEngine = 'auto'): 'dpor' | 'stateful' {
  return engine === 'dpor' || engine === 'stateful' ? engine : hasStateInvariants(model) ? 'stateful' : 'dpor';
}

/** The engine name exhaustive counterexamples carry in tokens. */
export const EXHAUSTIVE_ENGINE = 'exhaustive';

/** Options of `verify`. */
export interface VerifyOptions {
  /** Enabled fixes. */
  readonly fixes: readonly string[];
  /** Scenarios to verify (default: generated from `threads`/`maxOps` if given, else the catalogue). */
  readonly scenarios?: readonly Scenario[];
  /** Generate every scenario with at most this many threads. */
  readonly threads?: number;
  /** Generate every scenario with at most this many operations. */
  readonly maxOps?: number;
  /** Most preemptions per execution (default: none, every interleaving, with DPOR). */
  readonly preemptions?: number;
  /** Report the smallest counterexample (threads, operations, preemptions, steps), not the first. */
  readonly minimal?: boolean;
  /** Only this shard's part of the work (merge shards with `mergeVerifyResults`). */
  readonly shard?: Shard;
  /** Called after each unit of work with how many are done and how many there are, and the executions so far. */
  readonly onProgress?: (done: number, total: number, executions: number) => void;
  /** The search without a preemption bound (default `auto`). */
  readonly engine?: VerifyEngine;
  /** Also record lock orders across every execution explored and report their cycles (`lockOrder`). */
  readonly lockOrder?: boolean;
}

/** The verdict of an exhaustive verification. */
export interface VerifyResult {
  /** `holds` when no execution within the bound failed. */
  readonly verdict: 'holds' | 'violated';
  /** Scenarios verified (all of them, also when sharded). */
  readonly scenarios: number;
  /** Executions run, redundant ones included. */
  readonly executions: number;
  /** Executions that ran to an outcome. */
  readonly complete: number;
  /** Sleep-set-blocked executions. */
  readonly redundant: number;
  /** Steps taken, replays included. */
  readonly steps: number;
  /** Wall-clock milliseconds (the only non-deterministic field). */
  readonly ms: number;
  /** With a stateful search (a preemption bound, or engine `stateful`): executions cut at a state already explored. */
  readonly stateHits?: number;
  /** With a stateful search: distinct states explored. */
  readonly states?: number;
  /** The counterexample (the smallest one with `minimal`), replayed with its trace. */
  readonly counterexample?: Counterexample;
  /** With `lockOrder`: the lock orders seen, and their cycles (possible deadlocks). */
  readonly lockOrder?: LockOrderReport;
}

/**
 * Explores every interleaving of every scenario (within the preemption bound, if any) and says
 * whether the model's invariants hold. Stops at the first failure unless `minimal` is set, in
 * which case it returns the smallest counterexample the search can find (see
 * `minimalCounterexample`).
 */
export function verify(model: AnyModel, options: VerifyOptions): VerifyResult {
  if (options.lockOrder) {
    const { result, lockOrder } = withLockOrder(model, options.fixes, () => verify(model, { ...options, lockOrder: false }));
    return { ...result, lockOrder };
  }
  const start = performance.now();
  const scenarios = pickScenarios(model, options);
  if (scenarios.length === 0) {
    const generated = options.threads !== undefined || options.maxOps !== undefined;
    throw new NothingCoveredError(
      generated
        ? `model '${model.name}': no scenario fits the bound (threads ${options.threads ?? model.scenarios.maxThreads}, operations ${options.maxOps ?? model.scenarios.maxOps}), so nothing would be verified`
        : `model '${model.name}': nothing to verify: its scenario catalogue is empty (add scenarios to it, or generate them with a bound: --threads/--max-ops)`,
    );
  }
  const units = shardUnits(model, options.fixes, scenarios, options.shard ?? { index: 0, count: 1 }, options.preemptions);
  const fixSet = new Set(options.fixes);
  const totals: Totals = { executions: 0, complete: 0, redundant: 0, steps: 0 };
  const failing: Array<{ unit: WorkUnit; failure: ExploreFailure }> = [];
  const engine = verifyEngineFor(model, options.engine);
  let first: ExploreFailure | undefined;
  units.forEach((unit, done) => {
    if (first && !options.minimal) return;
    const r = exploreUnit(model, fixSet, scenarios[unit.scenario] as Scenario, { prefix: unit.prefix }, engine, options.preemptions);
    add(totals, r);
    if (r.failure) {
      first ??= r.failure;
      failing.push({ unit, failure: r.failure });
    }
    options.onProgress?.(done + 1, units.length, totals.executions);
  });
  let counterexample: Counterexample | undefined;
  if (first && options.minimal) {
    const m = minimalOver(model, options.fixes, scenarios, failing, options.preemptions);
    add(totals, m.work);
    counterexample = m.counterexample;
  } else if (first) {
    counterexample = counterexampleOf(model, options.fixes, first.scenario, first.schedule, EXHAUSTIVE_ENGINE);
  }
  if (!options.shard && totals.executions === 0) throw new NothingCoveredError(`model '${model.name}': the search ran no execution, so nothing was verified`);
  return {
    verdict: counterexample ? 'violated' : 'holds',
    scenarios: scenarios.length,
    ...totals,
    ms: Math.round(performance.now() - start),
    ...(counterexample ? { counterexample } : {}),
  };
}

/**
 * One unit of `verify`'s work: the search it runs for a scenario (and prefix) under a preemption
 * bound (the bounded DFS) or without one (`engine`).
 */
export function exploreUnit(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: ExplorerOptions, engine: 'dpor' | 'stateful', preemptions?: number): ExploreResult {
  if (preemptions !== undefined) return boundedDfs(model, fixes, scenario, { ...options, preemptionBound: preemptions });
  return engine === 'stateful' ? statefulSearch(model, fixes, scenario, options) : dpor(model, fixes, scenario, options);
}

/** Options of `minimalCounterexample`. */
export interface MinimalOptions {
  /** Enabled fixes. */
  readonly fixes: readonly string[];
  /** Candidate scenarios (default: the catalogue). */
  readonly scenarios?: readonly Scenario[];
  /** Largest preemption bound to try (default: that of the first failure DPOR finds). */
  readonly maxPreemptions?: number;
}

/**
 * The smallest failing execution, ordered by (threads, operations, preemptions, steps): scenarios
 * smallest first; in each, DPOR says whether any interleaving fails, and then preemption-bounded
 * DFS with iterative deepening (CHESS) from 0 up to the preemptions of that failure finds the
 * fewest preemptions, and among those the fewest steps. Undefined when nothing fails.
 */
export function minimalCounterexample(model: AnyModel, options: MinimalOptions): Counterexample | undefined {
  const scenarios = options.scenarios ?? model.scenarios.catalogue.map((s) => s.threads);
  const units = scenarios.map((_, scenario) => ({ unit: { scenario, prefix: [] as number[] } }));
  return minimalOver(model, options.fixes, scenarios, units, options.maxPreemptions).counterexample;
}

/**
 * The minimal search over `units`, each with the failure an exhaustive search found in it if one
 * was run already (otherwise DPOR says whether it fails).
 */
function minimalOver(
  model: AnyModel,
  fixes: readonly string[],
  scenarios: readonly Scenario[],
  candidates: ReadonlyArray<{ readonly unit: WorkUnit; readonly failure?: ExploreFailure }>,
  maxPreemptions?: number,
): { counterexample?: Counterexample; work: Totals } {
  const fixSet = new Set(fixes);
  const work: Totals = { executions: 0, complete: 0, redundant: 0, steps: 0 };
  const known = new Map(candidates.map((c) => [c.unit, c.failure]));
  const units = candidates.map((c) => c.unit);
  const order = [...units].sort((a, b) => sizeCompare(scenarios[a.scenario] as Scenario, scenarios[b.scenario] as Scenario));
  let best: ExploreFailure | undefined;
  // Smallest scenarios first; within one size, deepen the preemption bound over all the failing
  // units together, so the first bound at which any fails is the fewest preemptions of that size.
  for (let g = 0; g < order.length && !best; ) {
    const size = scenarios[(order[g] as WorkUnit).scenario] as Scenario;
    const group: WorkUnit[] = [];
    while (g < order.length && sizeCompare(scenarios[(order[g] as WorkUnit).scenario] as Scenario, size) === 0) group.push(order[g++] as WorkUnit);
    const failing: Array<{ unit: WorkUnit; failure: ExploreFailure }> = [];
    for (const unit of group) {
      let failure = known.get(unit);
      if (!failure) {
        const any = dpor(model, fixSet, scenarios[unit.scenario] as Scenario, { prefix: unit.prefix });
        add(work, any);
        failure = any.failure;
      }
      if (failure) failing.push({ unit, failure });
    }
    if (failing.length === 0) continue;
    const cap = Math.min(maxPreemptions ?? Number.POSITIVE_INFINITY, ...failing.map((f) => f.failure.preemptions));
    for (let k = 0; k <= cap && !best; k++) {
      for (const { unit } of failing) {
        const r = boundedDfs(model, fixSet, scenarios[unit.scenario] as Scenario, { prefix: unit.prefix, preemptionBound: k, stopAtFirst: false });
        add(work, r);
        if (r.failure && (!best || compareFailures(r.failure, best) < 0)) best = r.failure;
      }
    }
    best ??= failing.map((f) => f.failure).sort(compareFailures)[0]; // nothing within maxPreemptions
  }
  const counterexample = best ? counterexampleOf(model, fixes, best.scenario, best.schedule, EXHAUSTIVE_ENGINE) : undefined;
  return { ...(counterexample ? { counterexample } : {}), work };
}

/**
 * Merges the results of the shards of one verification: sums the work, and keeps the smallest
 * counterexample by (threads, operations, preemptions, steps).
 */
export function mergeVerifyResults(results: readonly VerifyResult[]): VerifyResult {
  let counterexample: Counterexample | undefined;
  for (const r of results) {
    const cx = r.counterexample;
    if (cx && (!counterexample || compareCounterexamples(cx, counterexample) < 0)) counterexample = cx;
  }
  const sum = (f: (r: VerifyResult) => number): number => results.reduce((n, r) => n + f(r), 0);
  return {
    verdict: counterexample ? 'violated' : 'holds',
    scenarios: results[0]?.scenarios ?? 0,
    executions: sum((r) => r.executions),
    complete: sum((r) => r.complete),
    redundant: sum((r) => r.redundant),
    steps: sum((r) => r.steps),
    ms: Math.max(0, ...results.map((r) => r.ms)),
    ...(results.some((r) => r.stateHits !== undefined) ? { stateHits: sum((r) => r.stateHits ?? 0), states: sum((r) => r.states ?? 0) } : {}),
    ...(counterexample ? { counterexample } : {}),
    ...(results.some((r) => r.lockOrder) ? { lockOrder: mergeLockOrderReports(results.flatMap((r) => (r.lockOrder ? [r.lockOrder] : []))) } : {}),
  };
}

/** Orders counterexamples by (threads, operations, preemptions, steps), then schedule. */
export function compareCounterexamples(a: Counterexample, b: Counterexample): number {
  return (
    a.threads - b.threads ||
    a.operations - b.operations ||
    compareFailures(
      { scenario: a.scenario, schedule: a.schedule, preemptions: a.preemptions, outcome: a.outcome },
      { scenario: b.scenario, schedule: b.schedule, preemptions: b.preemptions, outcome: b.outcome },
    )
  );
}

/** The scenarios a verification covers: the given ones, or generated within the bounds, or the catalogue. */
export function pickScenarios(model: AnyModel, options: Pick<VerifyOptions, 'scenarios' | 'threads' | 'maxOps'>): readonly Scenario[] {
  if (options.scenarios) return options.scenarios;
  if (options.threads !== undefined || options.maxOps !== undefined) {
    return enumerateScenarios(model, { ...(options.threads !== undefined ? { threads: options.threads } : {}), ...(options.maxOps !== undefined ? { maxOps: options.maxOps } : {}) });
  }
  return model.scenarios.catalogue.map((s) => s.threads);
}

/** Orders scenarios by size: fewer threads, then fewer operations. */
export function sizeCompare(a: Scenario, b: Scenario): number {
  const x = scenarioSize(a);
  const y = scenarioSize(b);
  return x.threads - y.threads || x.operations - y.operations;
}

/** The work counters of a verification. */
interface Totals {
  executions: number;
  complete: number;
  redundant: number;
  steps: number;
  stateHits?: number;
  states?: number;
}

function add(into: Totals, r: Omit<ExploreResult, 'failures'> & { stateHits?: number; states?: number }): void {
  into.executions += r.executions;
  into.complete += r.complete;
  into.redundant += r.redundant;
  into.steps += r.steps;
  if (r.stateHits !== undefined) {
    into.stateHits = (into.stateHits ?? 0) + r.stateHits;
    into.states = (into.states ?? 0) + (r.states ?? 0);
  }
}
