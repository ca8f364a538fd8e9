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
