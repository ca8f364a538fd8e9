import type { AnyModel } from '../model.js';
import type { Outcome } from '../outcome.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import type { Chooser } from './chooser.js';

/** Options of an exhaustive exploration under a weak memory model. */
export interface WeakExploreOptions {
  readonly memory: 'tso' | 'lkmm';
  /** Barrier toggles turned off. */
  readonly withoutBarriers?: ReadonlySet<string>;
  /** Stop at the first failing execution (default false: keep the smallest failure). */
  readonly stopAtFirst?: boolean;
  /** Step budget of one run (default: the model's). */
  readonly maxSteps?: number;
  /** Called with every complete, consistent execution's run. */
  readonly onExecution?: (run: Run) => void;
}

/** A failing execution under a weak memory model: replay its schedule with its choices. */
export interface WeakFailure {
  readonly scenario: Scenario;
  readonly schedule: readonly number[];
  /** The reads-from and coherence choices, in the order the run made them. */
  readonly choices: readonly number[];
  readonly preemptions: number;
  /** Choices that were not the sequentially consistent one (a stale read, a write placed early). */
  readonly weakEdges: number;
  readonly outcome: Outcome;
}

/** What an exhaustive exploration under a weak memory model did. */
export interface WeakExploreResult {
  /** Runs started: every interleaving with every choice of reads-from and coherence. */
  readonly executions: number;
  /** Runs whose execution graph the memory model allows, to their end. */
  readonly consistent: number;
  /** Distinct consistent execution graphs among them (interleavings that build the same graph count once). */
  readonly distinct: number;
  /** Runs dropped as inconsistent. */
  readonly pruned: number;
  readonly steps: number;
  readonly failures: number;
  /** Failing runs that made no weak choice: interleavings that fail under `sc` too. */
  readonly scFailures: number;
  readonly failure?: WeakFailure;
}

/** Orders failures: fewer preemptions, then fewer weak edges, then fewer steps. */
export function compareWeakFailures(a: WeakFailure, b: WeakFailure): number {
  if (a.preemptions !== b.preemptions) return a.preemptions - b.preemptions;
  if (a.weakEdges !== b.weakEdges) return a.weakEdges - b.weakEdges;
  return a.schedule.length - b.schedule.length;
}

/**
 * Every execution of `scenario` under a weak memory model: a stateless depth-first search over one
 * tree of choices, the thread each step runs and, inside the steps, the write each read reads from
 * and the place of each write in coherence (see `WeakMemory`). Choice 0 is always the sequentially
 * consistent one, so the first run is an interleaving `sc` runs too. Runs whose graph the model
 * forbids are dropped as soon as it does. No partial-order reduction yet: interleavings that build
 * the same graph are all run (`distinct` counts the graphs).
 */
export function exploreWeak(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: WeakExploreOptions): WeakExploreResult {
  const stack: Array<{ count: number; at: number }> = [];
  let cursor = 0;
  const tape: Chooser = {
    choose(count: number): number {
      if (cursor < stack.length) return (stack[cursor++] as { at: number }).at;
      stack.push({ count, at: 0 });
      cursor++;
      return 0;
    },
  };
  const enabled = new Array<number>(scenario.length);
  const graphs = new Set<string>();
  let executions = 0;
  let consistent = 0;
  let pruned = 0;
  let steps = 0;
  let failures = 0;
  let scFailures = 0;
  let failure: WeakFailure | undefined;
  const weak = { memory: options.memory, chooser: tape, ...(options.withoutBarriers ? { withoutBarriers: options.withoutBarriers } : {}) };
  for (;;) {
    cursor = 0;
    const run = new Run(model, fixes, scenario, { weak, ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}) });
    while (run.outcome === null) {
      const count = run.enabledThreads(enabled);
      if (count === 0) {
        run.declareDeadlock();
        break;
      }
      run.stepListed(enabled[tape.choose(count)] as number, enabled, count);
      steps++;
    }
    executions++;
    const memory = run.weak;
    if (run.pruned || memory === null) {
      pruned++;
    } else {
      consistent++;
      graphs.add(memory.key());
      options.onExecution?.(run);
      const outcome = run.outcome as Outcome;
      if (outcome.kind !== 'ok') {
        failures++;
        if (memory.weakEdges === 0) scFailures++;
        const f: WeakFailure = { scenario, schedule: [...run.schedule], choices: [...memory.choices], preemptions: run.preemptions, weakEdges: memory.weakEdges, outcome };
        if (!failure || compareWeakFailures(f, failure) < 0) failure = f;
        if (options.stopAtFirst) break;
      }
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { count: number; at: number };
      if (++top.at < top.count) break;
      stack.pop();
    }
    if (stack.length === 0) break;
  }
  return { executions, consistent, distinct: graphs.size, pruned, steps, failures, scFailures, ...(failure ? { failure } : {}) };
}
