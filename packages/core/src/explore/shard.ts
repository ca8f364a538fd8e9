import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';

/** Shard `index` (0-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** One piece of work: a scenario and the schedule prefix its explorations start with. */
export interface WorkUnit {
  /** Index of the scenario in the list given. */
  readonly scenario: number;
  /** Fixed first steps (every state on it is expanded fully across the units). */
  readonly prefix: readonly number[];
}

/** Deepest prefix used to split work. */
const MAX_SPLIT_DEPTH = 6;

/**
 * Splits the search into units for `count` shards: every scenario's tree is cut at the smallest
 * depth that gives at least `count` units in all (each state above the cut expanded to every
 * enabled thread, within the preemption bound), and unit `k` goes to shard `k mod count`.
 * Deterministic, so shards computed on different machines partition the same work, and their
 * results merge with `mergeVerifyResults`. With one shard, each scenario is one unit.
 */
export function shardUnits(model: AnyModel, fixes: readonly string[], scenarios: readonly Scenario[], shard: Shard, preemptionBound?: number): WorkUnit[] {
  if (!Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(`shard ${shard.index + 1}/${shard.count} does not exist`);
  }
  let units: WorkUnit[] = scenarios.map((_, scenario) => ({ scenario, prefix: [] }));
  for (let depth = 0; depth < MAX_SPLIT_DEPTH && units.length < shard.count; depth++) {
    const fixSet = new Set(fixes);
    const next: WorkUnit[] = [];
    let grew = false;
    for (const u of units) {
      const children = expand(model, fixSet, scenarios[u.scenario] as Scenario, u.prefix, preemptionBound);
      if (children.length > 1) grew = true;
      for (const c of children) next.push({ scenario: u.scenario, prefix: c });
    }
    units = next;
    if (!grew) break;
  }
  return units.filter((_, k) => k % shard.count === shard.index);
}

/** The one-step extensions of a prefix (the prefix itself when the run has ended there). */
function expand(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, prefix: readonly number[], bound = Number.POSITIVE_INFINITY): number[][] {
  const run = new Run(model, fixes, scenario);
  for (const tid of prefix) {
    if (run.outcome !== null) return [[...prefix]];
    run.step(tid);
  }
  if (run.outcome !== null) return [[...prefix]];
  const enabled = new Array<number>(scenario.length);
  const count = run.enabledThreads(enabled);
  const lastEnabled = run.lastThread >= 0 && run.isEnabled(run.lastThread);
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const t = enabled[i] as number;
    if (run.preemptions < bound || !lastEnabled || t === run.lastThread) out.push([...prefix, t]);
  }
  return out.length ? out : [[...prefix]];
}
