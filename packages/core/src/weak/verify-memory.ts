import { counterexampleOf, type Counterexample } from '../counterexample.js';
import { NothingCoveredError } from '../faults.js';
import type { AnyModel } from '../model.js';
import type { Scenario } from '../scenario.js';
import { pickScenarios, sizeCompare, verify } from '../explore/verify.js';
import { checkBarrierNames } from './model-barriers.js';
import { compareWeakFailures, exploreWeak, type WeakFailure } from './verify-weak.js';

/** The engine name a counterexample found under a weak memory model carries in its token. */
export const WEAK_ENGINE = 'exhaustive-weak';

/** Options of `verifyUnderMemory`. */
export interface MemoryVerifyOptions {
  readonly fixes: readonly string[];
  readonly memory: 'tso' | 'lkmm';
  /** Barrier toggles turned off (checked against the model's). */
  readonly withoutBarriers?: readonly string[];
  /** Scenarios to verify (default: generated from `threads`/`maxOps` if given, else the catalogue). */
  readonly scenarios?: readonly Scenario[];
  readonly threads?: number;
  readonly maxOps?: number;
  /** Explore every scenario whole and report the smallest counterexample, not the first. */
  readonly minimal?: boolean;
  /** Called after each scenario with how many are done and how many there are. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The verdict of an exhaustive verification under a weak memory model, with what it covered. */
export interface MemoryVerifyResult {
  readonly verdict: 'holds' | 'violated';
  readonly memory: 'tso' | 'lkmm';
  readonly withoutBarriers: readonly string[];
  readonly scenarios: number;
  /** Runs: interleavings times reads-from and coherence choices. */
  readonly executions: number;
  /** Runs the memory model allows. */
  readonly consistent: number;
  /** Distinct execution graphs among them. */
  readonly distinct: number;
  /** Runs dropped as inconsistent. */
  readonly pruned: number;
  readonly steps: number;
  /** Failing runs that made no weak choice (sc finds them too). */
  readonly scFailures: number;
  readonly ms: number;
  readonly counterexample?: Counterexample;
  /** With a counterexample: the verdict under `sc` of its scenario (`violated`: no weak memory needed). */
  readonly scVerdict?: 'holds' | 'violated';
}

/**
 * Every execution of every scenario under `tso` or `lkmm` (see `exploreWeak`): whether the model's
 * invariants hold, and, when not, the counterexample replayed with its trace, whose labels say which
 * write each stale read read from.
 */
export function verifyUnderMemory(model: AnyModel, options: MemoryVerifyOptions): MemoryVerifyResult {
  const start = performance.now();
  const without = options.withoutBarriers ?? [];
  checkBarrierNames(model, without);
  const scenarios = pickScenarios(model, options);
  if (scenarios.length === 0) {
    const generated = options.threads !== undefined || options.maxOps !== undefined;
    throw new NothingCoveredError(`model '${model.name}' has no scenario to verify${generated ? ' within the bound' : ' (its catalogue is empty)'}`);
  }
  const fixes = new Set(options.fixes);
  const off = new Set(without);
  let executions = 0;
  let consistent = 0;
  let distinct = 0;
  let pruned = 0;
  let steps = 0;
  let scFailures = 0;
  let best: WeakFailure | undefined;
  let done = 0;
  for (const scenario of scenarios) {
    // Each scenario is explored whole, so its counterexample is its smallest (preemptions, weak edges).
    // Which interleaving reaches each graph does not matter here: a state reached again is cut.
    const r = exploreWeak(model, fixes, scenario, { memory: options.memory, withoutBarriers: off, revisitCheaper: false });
    executions += r.executions;
    consistent += r.consistent;
    distinct += r.distinct;
    pruned += r.pruned;
    steps += r.steps;
    scFailures += r.scFailures;
    if (r.failure && (!best || smaller(r.failure, best))) best = r.failure;
    done++;
    options.onProgress?.(done, scenarios.length);
    if (best && !options.minimal) break;
  }
  const counterexample = best ? counterexampleOf(model, options.fixes, best.scenario, best.schedule, WEAK_ENGINE, { memory: options.memory, choices: best.choices, withoutBarriers: without }) : undefined;
  return {
    verdict: best ? 'violated' : 'holds',
    memory: options.memory,
    withoutBarriers: without,
    scenarios: done,
    executions,
    consistent,
    distinct,
    pruned,
    steps,
    scFailures,
    ms: Math.round(performance.now() - start),
    ...(counterexample ? { counterexample, scVerdict: verify(model, { fixes: options.fixes, scenarios: [counterexample.scenario] }).verdict } : {}),
  };
}

/** Fewer threads, then operations, then what `compareWeakFailures` prefers. */
function smaller(a: WeakFailure, b: WeakFailure): boolean {
  return (sizeCompare(a.scenario, b.scenario) || compareWeakFailures(a, b)) < 0;
}
