import { execute, type Execution } from './execute.js';
import { modelFingerprint, runDigest } from './fingerprint.js';
import type { AnyModel } from './model.js';
import type { Outcome } from './outcome.js';
import { scenarioSize, type Scenario } from './scenario.js';
import { Replay } from './strategies/replay.js';
import { encodeToken } from './token.js';
import type { TraceEntry } from './trace.js';
import { RecordedChoices } from './weak/chooser.js';
import { runToLitmus } from './weak/to-litmus.js';

/** A failing execution, replayed with its trace: what `hunt` prints and what JSON carries. */
export interface Counterexample {
  /** Threads in the scenario. */
  readonly threads: number;
  /** Operations in the scenario. */
  readonly operations: number;
  /** Switches away from a thread that could have continued. */
  readonly preemptions: number;
  /** Steps until the failure. */
  readonly steps: number;
  /** How it failed. */
  readonly outcome: Outcome;
  /** Per thread, its operations. */
  readonly scenario: Scenario;
  /** Thread id per step. */
  readonly schedule: readonly number[];
  /** Every step. */
  readonly trace: readonly TraceEntry[];
  /** The model's description of the final state, if it gives one. */
  readonly finalState?: string;
  /** The replay token. */
  readonly token: string;
  /** The engine that found it. */
  readonly engine: string;
  /** Under a weak memory model: which, its choices, how many were weak, the barriers off, and the run as a C litmus test. */
  readonly weak?: WeakReplay & { readonly weakEdges: number; readonly litmus: string };
}

/** What replaying a run under a weak memory model needs beside its schedule. */
export interface WeakReplay {
  readonly memory: 'tso' | 'lkmm';
  readonly choices: readonly number[];
  readonly withoutBarriers: readonly string[];
}

/** Replays a schedule with tracing on and packs the result; `engine` names who found it. */
export function counterexampleOf(model: AnyModel, fixes: readonly string[], scenario: Scenario, schedule: readonly number[], engine: string, weak?: WeakReplay): Counterexample {
  const execution = replaySchedule(model, fixes, scenario, schedule, true, weak);
  const { threads, operations } = scenarioSize(scenario);
  return {
    threads,
    operations,
    preemptions: execution.preemptions,
    steps: execution.schedule.length,
    outcome: execution.outcome,
    scenario,
    schedule: execution.schedule,
    trace: execution.trace ?? [],
    ...(execution.finalState !== undefined ? { finalState: execution.finalState } : {}),
    token: encodeToken({
      model: model.name,
      fixes,
      scenario,
      schedule: execution.schedule,
      engine,
      fingerprint: modelFingerprint(model),
      digest: runDigest(execution.trace ?? [], execution.outcome),
      ...(weak ? { memory: weak.memory, choices: weak.choices, withoutBarriers: weak.withoutBarriers } : {}),
    }),
    engine,
    ...(weak ? { weak: { ...weak, weakEdges: weak.choices.filter((c) => c !== 0).length, litmus: litmusOf(model, fixes, scenario, weak, execution) } } : {}),
  };
}

/** The counterexample's run as a litmus test named after the model, saying where it comes from. */
function litmusOf(model: AnyModel, fixes: readonly string[], scenario: Scenario, weak: WeakReplay, execution: Execution): string {
  const name = `${model.name}+${weak.withoutBarriers.length ? `no-${weak.withoutBarriers.join('+no-')}` : 'all-barriers'}`.replace(/[^A-Za-z0-9_+.-]/g, '-');
  return runToLitmus(execution.memory ?? { locations: [], threads: [] }, name, [
    `Written by kvmrace from a counterexample of model '${model.name}' under ${weak.memory}.`,
    `Fixes: ${fixes.length ? fixes.join(', ') : 'none'}; barriers off: ${weak.withoutBarriers.length ? weak.withoutBarriers.join(', ') : 'none'}.`,
    `Scenario: ${scenario.map((ops, t) => `CPU${t} ${ops.join(', ')}`).join(' | ')}. Outcome: ${execution.outcome.message}.`,
    'The threads are the path the run took; exists asks for the values its reads returned.',
  ]);
}

/** Re-runs exactly one schedule (throws `ReplayMismatchError` if it does not fit). */
export function replaySchedule(model: AnyModel, fixes: readonly string[], scenario: Scenario, schedule: readonly number[], trace = false, weak?: WeakReplay): Execution {
  if (!weak) return execute(model, new Set(fixes), scenario, new Replay(schedule), { trace });
  const options = { memory: weak.memory, chooser: new RecordedChoices(weak.choices), withoutBarriers: new Set(weak.withoutBarriers) };
  return execute(model, new Set(fixes), scenario, new Replay(schedule), { trace, weak: options });
}
