import type { AnyModel } from '../model.js';
import type { Scenario } from '../scenario.js';
import { boundedDfs } from './bounded-dfs.js';
import { dpor } from './dpor.js';
import type { ExploreResult, ExplorerOptions } from './result.js';

/** Options of `explore`. */
export interface ExploreOptions extends ExplorerOptions {
  /** Enabled fixes. */
  readonly fixes: readonly string[];
  /** The scenario whose schedules are explored. */
  readonly scenario: Scenario;
  /** Most preemptions per execution; given, the search is a plain bounded DFS (no DPOR). */
  readonly preemptionBound?: number;
  /** `dpor` (default without a bound) or `none`: every schedule, for reference. */
  readonly reduction?: 'dpor' | 'none';
}

/**
 * Explores every schedule of one scenario: with DPOR when unbounded, with a preemption-bounded DFS
 * otherwise. Deterministic: the same inputs explore the same executions in the same order.
 */
export function explore(model: AnyModel, options: ExploreOptions): ExploreResult {
  const fixes = new Set(options.fixes);
  if (options.preemptionBound !== undefined || options.reduction === 'none') return boundedDfs(model, fixes, options.scenario, options);
  return dpor(model, fixes, options.scenario, options);
}
