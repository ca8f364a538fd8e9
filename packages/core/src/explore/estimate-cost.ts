import type { AnyModel } from '../model.js';
import { scenarioSize, type Scenario } from '../scenario.js';
import { verifyEngineFor, exploreUnit, type VerifyEngine } from './verify.js';

/** What a verification will cost, estimated by probing the very search it will run. */
export interface CostEstimate {
  /** Executions the whole search will run (redundant ones included). */
  readonly executions: number;
  /** Milliseconds it will take on one thread, at the speed the probes ran. */
  readonly ms: number;
  /** Scenarios probed, of how many. */
  readonly probed: number;
  readonly scenarios: number;
  /** True when every scenario was probed to its end: `executions` is then exact. */
  readonly exact: boolean;
  /** A probe failed: `verify` stops at its first failure (without `minimal`), so it may do far less. */
  readonly failed: boolean;
  /** Executions and milliseconds the probes themselves took. */
  readonly probeExecutions: number;
  readonly probeMs: number;
}

/** How much probing `estimateCost` does. */
export interface ProbeBudget {
  /** Most scenarios probed (spread over the sizes, each size at least once). */
  readonly scenarios?: number;
  /** Most executions of one probe before its share of the tree is extrapolated. */
  readonly executions?: number;
}

/**
 * Estimates the executions and the time of `verify` over `scenarios`: a sample of the scenarios
 * (every size of scenario, threads and operations, probed at least once, evenly spread within a
 * size, deterministic) is explored by the same search `verify` runs, each up to
 * `budget.executions` executions. A probe that finishes is exact; one that does not is
 * extrapolated from the search stack where it stopped (`remainingExecutions`: each branch not
 * begun costs what its last finished sibling did). A size's total is its sampled mean times its count; the time is the
 * executions at the probes' speed. Reductions prune unevenly, so this is an estimate of the order
 * of magnitude, not a bound; the bench prints it beside the real figures.
 */
export function estimateCost(
  model: AnyModel,
  fixes: readonly string[],
  scenarios: readonly Scenario[],
  options: {
    readonly engine?: VerifyEngine;
    readonly preemptions?: number;
    /** Called after each execution the probes run (the CLI feeds the worker threads it started early). */
    readonly poll?: () => void;
  } = {},
  budget: ProbeBudget = {},
): CostEstimate {
  const maxScenarios = budget.scenarios ?? 16;
  const cap = budget.executions ?? 4000;
  const poll = options.poll;
  const engine = verifyEngineFor(model, options.engine);
  const fixSet = new Set(fixes);
  const bySize = new Map<string, number[]>();
  scenarios.forEach((s, i) => {
    const z = scenarioSize(s);
    const key = `${z.threads}/${z.operations}`;
    let list = bySize.get(key);
    if (!list) bySize.set(key, (list = []));
    list.push(i);
  });
  let executions = 0;
  let probeExecutions = 0;
  let probeMs = 0;
  let probed = 0;
  let exact = true;
  let failed = false;
  for (const members of bySize.values()) {
    const k = Math.min(members.length, Math.max(1, Math.round((maxScenarios * members.length) / scenarios.length)));
    if (k < members.length) exact = false;
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const scenario = scenarios[members[Math.floor(((j + 0.5) * members.length) / k)] as number] as Scenario;
      const t0 = performance.now();
      const r = exploreUnit(model, fixSet, scenario, { maxExecutions: cap, ...(poll ? { onExecution: poll } : {}) }, engine, options.preemptions);
      probeMs += performance.now() - t0;
      poll?.();
      probeExecutions += r.executions;
      probed++;
      if (r.failure) failed = true;
      if (r.estimated === undefined) sum += r.executions;
      else {
        exact = false;
        sum += r.estimated;
      }
    }
    executions += (sum / k) * members.length;
  }
  const perExecution = probeExecutions > 0 ? probeMs / probeExecutions : 0;
  return { executions, ms: executions * perExecution, probed, scenarios: scenarios.length, exact, failed, probeExecutions, probeMs };
}
