import type { MemoryModelName } from '../models/model.js';

/** herd's verdict on a test's condition over all its executions. */
export type Observation = 'Never' | 'Sometimes' | 'Always';

/** What {@link checkLitmus} found for one test under one memory model. */
export interface LitmusResult {
  readonly name: string;
  readonly memory: MemoryModelName;
  /**
   * Reachable final states, each as herd prints it: keys '0:r0', 'x'; values '0', '1', 'x' (a
   * pointer to x); sorted as herd sorts (by the printed state string).
   */
  readonly states: readonly Readonly<Record<string, string>>[];
  /**
   * Consistent executions (after `filter`) that satisfy the test's condition, herd's `Positive:`
   * (for `exists` and `forall`, those where the proposition holds; for `~exists`, those where it
   * does not).
   */
  readonly positive: number;
  /** The other consistent executions (after `filter`): herd's `Negative:`. */
  readonly negative: number;
  /** Never, Sometimes or Always: whether the proposition holds in no, some or every execution. */
  readonly observation: Observation;
  /** The clause as written, normalised, e.g. 'exists (0:r0=0 /\ 1:r0=0)'. */
  readonly condition: string;
  /** herd's flags, e.g. ['data-race']. */
  readonly flags: readonly string[];
  /** Candidate executions checked against the model, and those it found consistent. */
  readonly executions: { readonly explored: number; readonly consistent: number };
}

/** herd's verdict word: for `exists`, Ok if some state satisfies; for `~exists` / `forall`, Ok if none violates. */
export function litmusValidation(result: LitmusResult): 'Ok' | 'No' {
  const q = quantifierOf(result.condition);
  if (q === 'exists') return result.positive > 0 ? 'Ok' : 'No';
  return result.negative === 0 ? 'Ok' : 'No';
}

/** How many executions satisfy the proposition itself (herd's Observation line), and how many not. */
export function propositionCounts(result: LitmusResult): { holds: number; fails: number } {
  return quantifierOf(result.condition) === '~exists'
    ? { holds: result.negative, fails: result.positive }
    : { holds: result.positive, fails: result.negative };
}

export function quantifierOf(condition: string): 'exists' | '~exists' | 'forall' {
  if (condition.startsWith('~exists')) return '~exists';
  if (condition.startsWith('forall')) return 'forall';
  return 'exists';
}
