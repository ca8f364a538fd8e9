import type { AnyModel } from './model.js';
import type { Outcome } from './outcome.js';
import { keepSpareWorld, takeSpareWorld } from './compiled-model.js';
import { Run, type RunOptions } from './run.js';
import type { Scenario } from './scenario.js';
import type { Strategy } from './strategies/strategy.js';
import type { TraceEntry } from './trace.js';
import type { WeakRunSnapshot } from './weak/weak-memory.js';

/** The record of one execution. */
export interface Execution {
  /** How it ended. */
  readonly outcome: Outcome;
  /** The thread of each step: with the model, fixes and scenario, this reproduces the run exactly. */
  readonly schedule: readonly number[];
  /** Switches away from a thread that could have continued. */
  readonly preemptions: number;
  /** Threads whose bounded retry loops ran out. */
  readonly gaveUp: readonly number[];
  /** Every step, when traced. */
  readonly trace?: readonly TraceEntry[];
  /** The model's description of the final state, when traced. */
  readonly finalState?: string;
  /** Under a weak memory model, when traced: its memory events, thread by thread. */
  readonly memory?: WeakRunSnapshot;
}

/** Runs one execution of `scenario` under `strategy`, from start to outcome. */
export function execute(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, strategy: Strategy, options: RunOptions = {}): Execution {
  // An execution hands out nothing of its world (its record holds numbers and text), so the next
  // execution of the model may recycle the world's objects instead of making them anew.
  const run = new Run(model, fixes, scenario, options, takeSpareWorld(model, scenario.length));
  strategy.beginExecution(scenario.length);
  run.drive(strategy);
  strategy.endExecution?.(run.schedule.length);
  const outcome = run.outcome as unknown as Outcome;
  const finalState = options.trace ? run.describeState() : undefined;
  const execution: { -readonly [K in keyof Execution]: Execution[K] } = { outcome, schedule: run.schedule, preemptions: run.preemptions, gaveUp: run.gaveUp };
  if (run.trace) execution.trace = run.trace;
  if (finalState !== undefined) execution.finalState = finalState;
  if (options.trace && run.weak !== null) execution.memory = run.weak.snapshot();
  keepSpareWorld(model, run.world); // only after a run that did not throw
  return execution;
}
