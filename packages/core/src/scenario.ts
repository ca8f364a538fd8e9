import type { AnyModel } from './model.js';

/** Per thread, the operations it runs in order. Thread i runs on CPU i. */
export type Scenario = readonly (readonly string[])[];

/** Threads, operations: the size of a scenario. */
export function scenarioSize(scenario: Scenario): { threads: number; operations: number } {
  return { threads: scenario.length, operations: scenario.reduce((n, ops) => n + ops.length, 0) };
}

/** `[refresh] | [deactivate, activate]`: a scenario as one line. */
export function formatScenario(scenario: Scenario): string {
  return scenario.map((ops) => `[${ops.join(', ')}]`).join(' | ');
}

/** Checks a scenario against the model's vocabulary and bounds; returns a one-line reason or null. */
export function scenarioProblem(model: AnyModel, scenario: Scenario): string | null {
  if (!Array.isArray(scenario) || scenario.length === 0) return 'a scenario needs at least one thread';
  if (scenario.length > 16) return `a scenario has at most 16 threads, not ${scenario.length}`;
  for (const ops of scenario) {
    if (!Array.isArray(ops)) return 'each thread of a scenario is a list of operations';
    for (const op of ops) {
      if (typeof op !== 'string' || !Object.prototype.hasOwnProperty.call(model.operations, op)) {
        return `unknown operation '${String(op)}' for model '${model.name}' (operations: ${model.operationNames.join(', ')})`;
      }
    }
  }
  return null;
}

/** A scenario with threads meant to run for ever (an invalidator, a timer): what `livenessSearch` checks. */
export interface LivenessScenario<O extends string = string> {
  /** Short name (`retry-vs-endless-invalidate`). */
  readonly name: string;
  /** Per thread, its operations in order; an endless thread repeats them. */
  readonly threads: readonly (readonly O[])[];
  /** The endless threads: their not ending is no verdict. */
  readonly endless: readonly number[];
}

/** A model with the scenarios its liveness is checked on (`verify --liveness`). */
export type WithLiveness<M extends AnyModel> = M & { readonly liveness: readonly LivenessScenario[] };

/** Attaches liveness scenarios to a model, each checked against its operations and threads. */
export function withLivenessScenarios<M extends AnyModel>(model: M, scenarios: readonly LivenessScenario<M['operationNames'][number]>[]): WithLiveness<M> {
  for (const s of scenarios) {
    const problem = scenarioProblem(model, s.threads);
    if (problem) throw new TypeError(`model '${model.name}': liveness scenario '${s.name}': ${problem}`);
    for (const t of s.endless) if (!Number.isInteger(t) || t < 0 || t >= s.threads.length) throw new TypeError(`model '${model.name}': liveness scenario '${s.name}': endless thread ${String(t)} is not one of its threads`);
  }
  return { ...model, liveness: scenarios };
}

/** The liveness scenarios of a model (none unless `withLivenessScenarios` gave it some). */
export function livenessScenarios(model: AnyModel): readonly LivenessScenario[] {
  return (model as Partial<WithLiveness<AnyModel>>).liveness ?? [];
}
