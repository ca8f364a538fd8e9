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
