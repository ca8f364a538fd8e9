import { NothingCoveredError } from './faults.js';
import { counterexampleOf, type Counterexample } from './counterexample.js';
import { execute } from './execute.js';
import { recheckBoundReached, type LivenessRecheck } from './explore/liveness-recheck.js';
import { withLockOrder } from './explore/lock-order.js';
import { withoutLockWatch } from './explore/lock-order-watch.js';
import type { LockOrderReport } from './explore/lock-order-report.js';
import type { AnyModel } from './model.js';
import type { OutcomeKind } from './outcome.js';
import type { Scenario } from './scenario.js';
import { Pct } from './strategies/pct.js';
import { RandomWalk } from './strategies/random-walk.js';
import type { Strategy } from './strategies/strategy.js';

/** The hunting strategies of core. */
export type HuntStrategy = 'random' | 'pct';

/** Options of a hunt. */
export interface HuntOptions {
  /** Enabled fixes. */
  readonly fixes: readonly string[];
  /** Seed of every random choice. */
  readonly seed: number;
  /** How many executions at most. */
  readonly runs: number;
  /** Random walk or PCT. */
  readonly strategy: HuntStrategy;
  /** PCT depth (default 3). */
  readonly pctDepth?: number;
  /** Scenarios to cycle through (default: the model's catalogue). */
  readonly scenarios?: readonly Scenario[];
  /** Called every `progressEvery` executions with how many are done. */
  readonly onProgress?: (done: number) => void;
  /** Default 1,000. */
  readonly progressEvery?: number;
  /** Also record lock orders across every execution run and report their cycles (`lockOrder`). */
  readonly lockOrder?: boolean;
}

/** What a hunt found. */
export interface HuntResult {
  /** True when some execution did not end `ok`. */
  readonly found: boolean;
  /** Executions run. */
  readonly runs: number;
  /** Steps taken over all executions. */
  readonly steps: number;
  /** How many executions ended each way. */
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  /** Executions in which some bounded retry loop ran out (never a failure by itself). */
  readonly gaveUp: number;
  /** The first failure, replayed with its trace. */
  readonly counterexample?: Counterexample;
  /** With `lockOrder`: the lock orders seen, and their cycles (possible deadlocks). */
  readonly lockOrder?: LockOrderReport;
  /**
   * When the failure is `bound-reached`: the liveness search from its scenario. A suspected
   * livelock only when it found a fair lasso (`verdict: 'livelock'`); otherwise the run stays
   * `bound-reached`, not decided.
   */
  readonly liveness?: LivenessRecheck;
}

/** Makes a core strategy from its name and a seed. */
export function makeStrategy(name: HuntStrategy, seed: number, pctDepth = 3): Strategy {
  return name === 'pct' ? new Pct(seed, pctDepth) : new RandomWalk(seed);
}

/**
 * Runs executions under a random strategy, cycling through the scenarios, until one fails or
 * `runs` are done. Deterministic in (model, fixes, scenarios, strategy, seed).
 */
export function hunt(model: AnyModel, options: HuntOptions): HuntResult {
  if (options.lockOrder) {
    const { result, lockOrder } = withLockOrder(model, options.fixes, () => hunt(model, { ...options, lockOrder: false }));
    return { ...result, lockOrder };
  }
  const scenarios = options.scenarios ?? model.scenarios.catalogue.map((s) => s.threads);
  if (scenarios.length === 0) throw new NothingCoveredError(`model '${model.name}': nothing to hunt in: its scenario catalogue is empty (add scenarios to it, or use the fast-check strategy, which generates them)`);
  const strategy = makeStrategy(options.strategy, options.seed, options.pctDepth);
  const fixes = new Set(options.fixes);
  const outcomes: Record<OutcomeKind, number> = { ok: 0, violation: 0, oops: 0, warn: 0, deadlock: 0, 'bound-reached': 0, 'data-race': 0 };
  const every = options.progressEvery ?? 1000;
  let steps = 0;
  let gaveUp = 0;
  for (let i = 0; i < options.runs; i++) {
    const scenario = scenarios[i % scenarios.length] as Scenario;
    const execution = execute(model, fixes, scenario, strategy);
    outcomes[execution.outcome.kind]++;
    steps += execution.schedule.length;
    if (execution.gaveUp.length) gaveUp++;
    if ((i + 1) % every === 0) options.onProgress?.(i + 1);
    if (execution.outcome.kind !== 'ok') {
      const counterexample = counterexampleOf(model, options.fixes, scenario, execution.schedule, options.strategy);
      // Recorded lock orders stay those of the hunt's own runs, not of the recheck's.
      const liveness = execution.outcome.kind === 'bound-reached' ? withoutLockWatch(() => recheckBoundReached(model, fixes, scenario)) : undefined;
      return { found: true, runs: i + 1, steps, outcomes, gaveUp, counterexample, ...(liveness ? { liveness } : {}) };
    }
  }
  return { found: false, runs: options.runs, steps, outcomes, gaveUp };
}
