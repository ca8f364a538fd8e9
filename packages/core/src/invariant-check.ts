import { notAVerdict } from './authoring-mistakes.js';
import type { AnyInvariant } from './compiled-model.js';
import { ModelError } from './faults.js';
import type { Outcome } from './outcome.js';

/**
 * The violation of the first of `invariants` that fails on `state` after step `step` (one whose
 * `when` is false is not checked), or null when they all hold. A check that throws is a violation
 * with the error's message; one that returns neither a boolean nor a message, or throws a
 * `ModelError`, is a model error, thrown.
 */
export function firstViolation(invariants: readonly AnyInvariant[], state: unknown, step: number): Outcome | null {
  for (let i = 0; i < invariants.length; i++) {
    const inv = invariants[i] as AnyInvariant;
    if (inv.when && !inv.when(state)) continue;
    let result: boolean | string;
    try {
      result = inv.check(state);
    } catch (err) {
      if (err instanceof ModelError) throw err;
      result = `the check threw ${err instanceof Error ? err.message : String(err)}`;
    }
    if (result !== true) {
      if (result !== false && typeof result !== 'string') throw new ModelError(`invariant '${inv.name}': ${notAVerdict(result)}`);
      return { kind: 'violation', invariant: inv.name, message: result === false ? inv.description : result, step };
    }
  }
  return null;
}
