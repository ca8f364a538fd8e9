import {
  contextSwitches,
  execute,
  isFailure,
  replaySchedule,
  ReplayMismatchError,
  Run,
  stepsConflict,
  type AnyModel,
  type Execution,
  type Outcome,
  type Scenario,
  type Step,
} from '@kvmrace/core';
import { scenarioAllowed, type ScenarioArbitraryOptions } from './scenario.js';
import { PreemptionPoints, type PreemptionPoint, type ScheduleData } from './schedule.js';

/** What identifies "the same failure": its kind and, for a violation, the invariant. */
export function outcomeSignature(o: Outcome): string {
  return o.kind === 'violation' ? `violation:${o.invariant ?? '?'}` : o.kind;
}

/** Runs a scenario under schedule data. */
export function runData(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, data: ScheduleData): Execution {
  return execute(model, fixes, scenario, new PreemptionPoints(data));
}

/** A failing run found by the bounded search. */
export interface Found {
  readonly data: ScheduleData;
  readonly execution: Execution;
}

/**
 * Preemption-bounded search (CHESS-style iterative bounding) over one scenario: every schedule
 * with exactly `k` preemption points placed after one another, default scheduling in between.
 * Returns the failing run with the same outcome signature and the fewest steps, or null.
 */
export function searchWithPreemptions(
  model: AnyModel,
  fixes: ReadonlySet<string>,
  scenario: Scenario,
  k: number,
  signature: string | null,
  budget: { runs: number },
): Found | null {
  let best: Found | null = null;
  const visit = (points: PreemptionPoint[], left: number): void => {
    if (budget.runs <= 0) return;
    budget.runs--;
    const strategy = new PreemptionPoints(points);
    const last = points.length ? (points[points.length - 1] as PreemptionPoint).at : -1;
    const choices: Array<[number, number]> = [];
    if (left > 0) strategy.onChoice = (step, others) => { if (step > last) choices.push([step, others]); };
    const execution = execute(model, fixes, scenario, strategy);
    if (left === 0) {
      if (isFailure(execution.outcome) && (signature === null || outcomeSignature(execution.outcome) === signature)) {
        if (!best || better(execution, best.execution)) best = { data: points, execution };
      }
      return;
    }
    for (const [step, others] of choices) {
      for (let to = 0; to < others; to++) visit([...points, { at: step, to }], left - 1);
    }
  };
  visit([], k);
  return best;
}

/** Fewer context switches, then fewer steps. */
function better(a: Execution, b: Execution): boolean {
  const sa = contextSwitches(a.schedule);
  const sb = contextSwitches(b.schedule);
  return sa !== sb ? sa < sb : a.schedule.length < b.schedule.length;
}

/** The scenario with its threads in every order (up to 4 threads; 24 orders). */
function threadOrders(scenario: Scenario): Scenario[] {
  if (scenario.length > 4) return [scenario];
  const out: Scenario[] = [];
  const permute = (rest: Scenario, acc: Scenario): void => {
    if (rest.length === 0) {
      out.push(acc);
      return;
    }
    rest.forEach((ops, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, ops]));
  };
  permute(scenario, []);
  return out;
}

/** The smallest number of preemptions (up to `max`) that makes the scenario fail; null if none within budget. */
export function fewestPreemptions(
  model: AnyModel,
  fixes: ReadonlySet<string>,
  scenario: Scenario,
  max: number,
  signature: string | null,
  budget: { runs: number },
): Found | null {
  for (let k = 0; k <= max; k++) {
    const found = searchWithPreemptions(model, fixes, scenario, k, signature, budget);
    if (found && found.execution.preemptions <= k) return found;
    if (budget.runs <= 0) return null;
  }
  return null;
}

/** Scenarios one operation smaller (empty threads dropped) that the model still allows. */
function smallerScenarios(model: AnyModel, scenario: Scenario, opts: ScenarioArbitraryOptions): Scenario[] {
  const out: Scenario[] = [];
  for (let t = 0; t < scenario.length; t++) {
    const ops = scenario[t] as readonly string[];
    for (let i = 0; i < ops.length; i++) {
      const next = scenario.map((o, j) => (j === t ? o.filter((_, k) => k !== i) : o)).filter((o) => o.length > 0);
      if (next.length > 0 && scenarioAllowed(model, next, opts)) out.push(next);
    }
  }
  return out;
}

/**
 * Same-size scenarios with one operation replaced by an earlier-declared one (fast-check's
 * `constantFrom` order): among races of one size, prefer the model's first operations.
 */
function earlierScenarios(model: AnyModel, scenario: Scenario, opts: ScenarioArbitraryOptions): Scenario[] {
  const out: Scenario[] = [];
  const names = model.operationNames;
  for (let t = 0; t < scenario.length; t++) {
    const ops = scenario[t] as readonly string[];
    for (let i = 0; i < ops.length; i++) {
      const idx = names.indexOf(ops[i] as string);
      for (let k = 0; k < idx; k++) {
        const next = scenario.map((o, j) => (j === t ? o.map((op, m) => (m === i ? (names[k] as string) : op)) : o));
        if (scenarioAllowed(model, next, opts)) out.push(next);
      }
    }
  }
  return out;
}

/** The steps a schedule takes, in order (their footprints belong to one run, so they compare). */
function stepsOf(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, schedule: readonly number[]): Step[] | null {
  const run = new Run(model, fixes, scenario);
  const steps: Step[] = [];
  for (const tid of schedule) {
    if (run.outcome !== null || !run.isEnabled(tid)) return null;
    steps.push(run.pendingStep(tid) as Step);
    run.step(tid);
  }
  return steps;
}

function replayOk(model: AnyModel, fixes: readonly string[], scenario: Scenario, schedule: readonly number[], signature: string): Execution | null {
  try {
    const e = replaySchedule(model, fixes, scenario, schedule);
    if (e.schedule.length !== schedule.length || outcomeSignature(e.outcome) !== signature) return null;
    return e;
  } catch (err) {
    if (err instanceof ReplayMismatchError) return null;
    throw err;
  }
}

/**
 * dejafu-style trace simplification: move a step next to its own thread's previous (or next)
 * step when it commutes with every step it jumps over (`stepsConflict`: same object, one writes),
 * keeping a move only if it lowers the context switches, does not add preemptions, and the replay
 * ends in the same failure. Repeats until nothing moves.
 */
export function normaliseSchedule(model: AnyModel, fixes: readonly string[], scenario: Scenario, schedule: readonly number[]): number[] {
  const fixSet = new Set(fixes);
  let current = [...schedule];
  const first = replaySchedule(model, fixes, scenario, current);
  const signature = outcomeSignature(first.outcome);
  let preemptions = first.preemptions;
  for (let rounds = 0; rounds < 200; rounds++) {
    const steps = stepsOf(model, fixSet, scenario, current);
    if (!steps) break;
    const switches = contextSwitches(current);
    let improved = false;
    for (let i = 1; i < current.length && !improved; i++) {
      if (current[i] === current[i - 1]) continue;
      const candidates: number[][] = [];
      // Pull step i back to just after its thread's previous step.
      const tid = current[i] as number;
      let j = i - 1;
      while (j >= 0 && current[j] !== tid) j--;
      if (j >= 0 && (j + 1 < i)) {
        let ok = true;
        for (let m = j + 1; m < i && ok; m++) if (stepsConflict(steps[i] as Step, steps[m] as Step)) ok = false;
        if (ok) candidates.push([...current.slice(0, j + 1), tid, ...current.slice(j + 1, i), ...current.slice(i + 1)]);
      }
      // Push step i-1 forward to just before its thread's next step.
      const prev = current[i - 1] as number;
      let n = i;
      while (n < current.length && current[n] !== prev) n++;
      if (n < current.length) {
        let ok = true;
        for (let m = i; m < n && ok; m++) if (stepsConflict(steps[i - 1] as Step, steps[m] as Step)) ok = false;
        if (ok) candidates.push([...current.slice(0, i - 1), ...current.slice(i, n), prev, ...current.slice(n)]);
      }
      for (const cand of candidates) {
        if (contextSwitches(cand) >= switches) continue;
        const e = replayOk(model, fixes, scenario, cand, signature);
        if (e && e.preemptions <= preemptions) {
          current = cand;
          preemptions = e.preemptions;
          improved = true;
          break;
        }
      }
    }
    if (!improved) break;
  }
  return current;
}

/** A minimised failure: the scenario and the thread of each step. */
export interface Minimised {
  readonly scenario: Scenario;
  readonly schedule: readonly number[];
  /** Executions the minimiser ran. */
  readonly runs: number;
}

/**
 * After fast-check's shrinking: (1) drop operations while some schedule with no more
 * preemptions still fails the same way; (2) find the fewest preemptions for that scenario by
 * preemption-bounded search; (3) normalise the schedule (fewest context switches). The result is
 * replayed by the caller.
 */
export function minimiseFailure(
  model: AnyModel,
  fixes: readonly string[],
  scenario: Scenario,
  schedule: readonly number[],
  opts: ScenarioArbitraryOptions & { budget?: number; sameFailure?: boolean } = {},
): Minimised {
  const fixSet = new Set(fixes);
  const budget = { runs: opts.budget ?? 20_000 };
  const start = budget.runs;
  const original = replaySchedule(model, fixes, scenario, schedule);
  // Any failure counts unless asked to keep the same one (kind and invariant).
  const signature = opts.sameFailure ? outcomeSignature(original.outcome) : null;
  let bestScenario = scenario;
  let bestSchedule: readonly number[] = original.schedule;
  let bestPreemptions = original.preemptions;
  // (2) first for the scenario as found, so (1) compares against a tight bound.
  const tight = fewestPreemptions(model, fixSet, bestScenario, bestPreemptions, signature, budget);
  if (tight && (tight.execution.preemptions < bestPreemptions || tight.execution.schedule.length < bestSchedule.length)) {
    bestSchedule = tight.execution.schedule;
    bestPreemptions = tight.execution.preemptions;
  }
  // Adopts the first candidate scenario that still fails within the current preemptions, and
  // repeats from it until no candidate does (or `maxRounds` adoptions).
  const adoptWhileFailing = (candidates: (from: Scenario) => Scenario[], maxRounds: number): void => {
    for (let changed = true, rounds = 0; changed && budget.runs > 0 && rounds < maxRounds; rounds++) {
      changed = false;
      for (const candidate of candidates(bestScenario)) {
        const found = fewestPreemptions(model, fixSet, candidate, bestPreemptions, signature, budget);
        if (found) {
          bestScenario = candidate;
          bestSchedule = found.execution.schedule;
          bestPreemptions = found.execution.preemptions;
          changed = true;
          break;
        }
      }
    }
  };
  // (1) fewer operations.
  adoptWhileFailing((from) => smallerScenarios(model, from, opts), Number.POSITIVE_INFINITY);
  // (1b) earlier operations, same size, no more preemptions.
  adoptWhileFailing((from) => earlierScenarios(model, from, opts), 20);
  // (3) normalise, in every thread order; keep the fewest preemptions, then context switches, then steps.
  let result = { scenario: bestScenario, schedule: normaliseSchedule(model, fixes, bestScenario, bestSchedule), preemptions: bestPreemptions };
  const seen = new Set([JSON.stringify(bestScenario)]);
  for (const order of threadOrders(bestScenario)) {
    const key = JSON.stringify(order);
    if (seen.has(key) || !scenarioAllowed(model, order, opts) || budget.runs <= 0) continue;
    seen.add(key);
    const found = fewestPreemptions(model, fixSet, order, result.preemptions, signature, budget);
    if (!found) continue;
    const schedule = normaliseSchedule(model, fixes, order, found.execution.schedule);
    const e = replaySchedule(model, fixes, order, schedule);
    const rank = (p: number, sched: readonly number[]) => [p, contextSwitches(sched), sched.length];
    const [a, b] = [rank(e.preemptions, schedule), rank(result.preemptions, result.schedule)];
    if (a[0]! < b[0]! || (a[0] === b[0] && (a[1]! < b[1]! || (a[1] === b[1] && a[2]! < b[2]!)))) {
      result = { scenario: order, schedule, preemptions: e.preemptions };
    }
  }
  return { scenario: result.scenario, schedule: result.schedule, runs: start - budget.runs };
}
