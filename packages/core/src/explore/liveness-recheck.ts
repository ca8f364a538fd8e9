import type { AnyModel } from '../model.js';
import { formatScenario, livenessScenarios, type Scenario } from '../scenario.js';
import { livenessSearch, type Lasso, type LivenessResult } from './liveness.js';

/** What the liveness search said of a scenario a hunt's run left `bound-reached`. */
export interface LivenessRecheck {
  /** The scenario of the run. */
  readonly scenario: Scenario;
  /** Its endless threads: those of the model's liveness scenario with the same threads, else none. */
  readonly endless: readonly number[];
  /** `livelock` (with `lasso`): a suspected livelock; anything else leaves the run `bound-reached`. */
  readonly verdict: LivenessResult['verdict'];
  readonly states: number;
  readonly lasso?: Lasso;
  /** One line for reports. */
  readonly message: string;
}

/** States the recheck expands at most: a hunt is meant to be quick, and an undecided recheck changes nothing. */
export const RECHECK_MAX_STATES = 20_000;

/**
 * A random schedule that runs out of steps says nothing by itself: PCT and the random walk may
 * starve a thread no real machine would (an invalidator never scheduled again mid-invalidation).
 * So the stateful liveness search looks for a fair lasso from the run's scenario; only one it
 * finds makes the run a suspected livelock. A thread is endless when the model declares a
 * liveness scenario with the same threads that says so.
 */
export function recheckBoundReached(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, maxStates = RECHECK_MAX_STATES): LivenessRecheck {
  const shown = formatScenario(scenario);
  const endless = livenessScenarios(model).find((s) => formatScenario(s.threads) === shown)?.endless ?? [];
  const r = livenessSearch(model, fixes, scenario, { endless, maxStates });
  const message =
    r.verdict === 'livelock' && r.lasso
      ? `suspected livelock: the liveness search found a fair lasso from this scenario: ${r.lasso.message}`
      : r.verdict === 'holds'
        ? `not a livelock: every fair run of this scenario completes (the run starved a thread, as no fair scheduler would)`
        : r.verdict === 'violated'
          ? `the liveness search found a failure from this scenario: ${r.failure?.outcome.message ?? ''}`
          : `the liveness search did not decide within ${r.states} states`;
  return { scenario, endless, verdict: r.verdict, states: r.states, ...(r.lasso ? { lasso: r.lasso } : {}), message };
}
