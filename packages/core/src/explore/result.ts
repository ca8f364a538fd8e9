import type { Outcome } from '../outcome.js';
import type { Run } from '../run.js';
import type { Scenario } from '../scenario.js';

/** A failing execution found by an explorer (replay it with `counterexampleOf`). */
export interface ExploreFailure {
  /** The scenario it ran. */
  readonly scenario: Scenario;
  /** Thread id per step. */
  readonly schedule: readonly number[];
  /** Switches away from a thread that could have continued. */
  readonly preemptions: number;
  /** How it failed. */
  readonly outcome: Outcome;
}

/** What one exhaustive exploration of one scenario did. */
export interface ExploreResult {
  /** Executions run, including the sleep-set-blocked ones. */
  readonly executions: number;
  /** Executions that ran to an outcome (complete traces). */
  readonly complete: number;
  /** Executions abandoned because every enabled thread was asleep (DPOR's redundant work). */
  readonly redundant: number;
  /** Steps taken over all executions, replays included. */
  readonly steps: number;
  /** The failure kept: the first one, or with `best` the one with fewest (preemptions, steps). */
  readonly failure?: ExploreFailure;
  /** How many complete executions failed. */
  readonly failures: number;
  /**
   * Stateful search (and DPOR with `countStates`): executions cut short (DPOR: steps) at a state
   * an earlier interleaving had already reached.
   */
  readonly stateHits?: number;
  /** DPOR, internal: the state invariants read an object not known to be read; search again. */
  readonly restart?: boolean;
  /**
   * With `maxExecutions`, when the search stopped there: the executions the whole search would
   * run, estimated from its stack (`remainingExecutions`).
   */
  readonly estimated?: number;
}

/** Options every explorer shares. */
export interface ExplorerOptions {
  /** A schedule prefix every execution starts with (a shard's unit); it is never backtracked. */
  readonly prefix?: readonly number[];
  /** Stop at the first failing execution (default true). */
  readonly stopAtFirst?: boolean;
  /** Called with every complete execution's run, once it has ended (tests compare final states). */
  readonly onExecution?: (run: Run) => void;
  /** Step budget of one run (default: the model's). */
  readonly maxSteps?: number;
  /**
   * DPOR only: also count `stateHits`, the new states (schedule prefixes) whose identity an
   * earlier interleaving already reached (see `state-space.ts`), to measure what state caching
   * would save. Costs time; changes nothing else.
   */
  readonly countStates?: boolean;
  /**
   * Stop after this many executions (a probe of the search, for cost estimates: see
   * `estimateCost`); the result then says how much of the tree was done (`progress`).
   */
  readonly maxExecutions?: number;
}

/** A level of a depth-first search's stack, for `remainingExecutions`. */
export interface StackLevel {
  /** Executions when the child in progress began. */
  readonly started: number;
  /** Executions the last finished child took, or -1 when none has finished. */
  readonly lastCost: number;
  /** Children not begun yet. */
  readonly unstarted: number;
}

/**
 * The executions a depth-first search has left, from its stack (root first), now that it has run
 * `executions`: each child not begun is taken to cost what its last finished sibling did, or,
 * when none has finished, what the child in progress is estimated to cost times `ratio`, what a
 * later sibling has cost so far against the first one (with state caching and sleep sets later
 * siblings cost far less: a plain mean, as in the weighted-backtrack estimate of Kilby, Slaney,
 * Thiebaux and Walsh, AAAI 2006, would multiply the first child's cost up every level).
 */
export function remainingExecutions(levels: readonly StackLevel[], executions: number, ratio: number): number {
  let below = 0;
  for (let i = levels.length - 1; i >= 0; i--) {
    const l = levels[i] as StackLevel;
    const current = executions - l.started + below;
    below += l.unstarted * (l.lastCost >= 0 ? l.lastCost : ratio * current);
  }
  return below;
}

/** What later siblings cost against first ones, over a search (for `remainingExecutions`). */
export class SiblingCosts {
  private first = 0;
  private later = 0;
  /** A child finished at a node whose first child cost `firstCost` (-1: this one was the first). */
  add(firstCost: number, cost: number): void {
    if (firstCost < 0) return;
    this.first += firstCost;
    this.later += cost;
  }
  get ratio(): number {
    return this.first > 0 ? this.later / this.first : 1;
  }
}

/** Orders failures: fewer preemptions, then fewer steps, then the smaller schedule. */
export function compareFailures(a: ExploreFailure, b: ExploreFailure): number {
  if (a.preemptions !== b.preemptions) return a.preemptions - b.preemptions;
  if (a.schedule.length !== b.schedule.length) return a.schedule.length - b.schedule.length;
  for (let i = 0; i < a.schedule.length; i++) {
    const d = (a.schedule[i] as number) - (b.schedule[i] as number);
    if (d !== 0) return d;
  }
  return 0;
}

/** The failure of a run that ended badly, or undefined. */
export function failureOf(run: Run): ExploreFailure | undefined {
  const outcome = run.outcome;
  if (!outcome || outcome.kind === 'ok') return undefined;
  return { scenario: run.scenario, schedule: [...run.schedule], preemptions: run.preemptions, outcome };
}
