import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import { compareFailures, failureOf, type ExploreFailure, type ExploreResult, type ExplorerOptions } from './result.js';
import { statefulSearch } from './stateful.js';

/** Options of the plain DFS. */
export interface BoundedDfsOptions extends ExplorerOptions {
  /** Most preemptions an execution may have (default: no bound). */
  readonly preemptionBound?: number;
  /**
   * With a bound, skip a state already explored with at most as many preemptions (default true;
   * see `statefulSearch`): the same verdict, first failure and best failure, fewer executions.
   * Without a bound the search is always plain: it is the reference the reductions are tested against.
   */
  readonly stateCaching?: boolean;
}

/**
 * Stateless DFS over every schedule, without reduction, optionally bounded in preemptions as in
 * CHESS (Musuvathi and Qadeer, "Iterative context bounding for systematic testing of
 * multithreaded programs", PLDI 2007): a schedule may switch away from a thread that could have
 * continued at most `preemptionBound` times; switches at blocking points or thread ends are free.
 *
 * It does not use DPOR: Coons, Musuvathi and McKinley (OOPSLA 2013) show that DPOR and a
 * preemption bound do not combine soundly without extra backtracking, and the bound already keeps
 * the tree polynomial in its length. Without a bound it is the reference DPOR is tested against.
 * With a bound it caches states (`stateCaching`, on by default): a state reached again with no
 * fewer preemptions is not explored again.
 */
export function boundedDfs(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: BoundedDfsOptions = {}): ExploreResult {
  if (options.preemptionBound !== undefined && (options.stateCaching ?? true)) return statefulSearch(model, fixes, scenario, { ...options, sleepSets: false });
  const bound = options.preemptionBound ?? Number.POSITIVE_INFINITY;
  const stopAtFirst = options.stopAtFirst ?? true;
  const prefix = options.prefix ?? [];
  const runOptions = options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {};
  const enabledBuf = new Array<number>(scenario.length);
  /** Per depth beyond the prefix: the allowed choices and which one the current path took. */
  const stack: Array<{ choices: number[]; at: number }> = [];
  let executions = 0;
  let steps = 0;
  let failures = 0;
  let failure: ExploreFailure | undefined;
  for (;;) {
    const run = new Run(model, fixes, scenario, runOptions);
    for (const tid of prefix) {
      if (run.outcome !== null) break;
      run.step(tid);
      steps++;
    }
    for (const frame of stack) {
      run.step(frame.choices[frame.at] as number);
      steps++;
    }
    while (run.outcome === null) {
      const count = run.enabledThreads(enabledBuf);
      if (count === 0) {
        run.declareDeadlock();
        break;
      }
      const last = run.lastThread;
      const canPreempt = run.preemptions < bound;
      const lastEnabled = last >= 0 && run.isEnabled(last);
      const choices: number[] = [];
      for (let i = 0; i < count; i++) {
        const t = enabledBuf[i] as number;
        if (canPreempt || !lastEnabled || t === last) choices.push(t);
      }
      stack.push({ choices, at: 0 });
      run.step(choices[0] as number);
      steps++;
    }
    executions++;
    options.onExecution?.(run);
    const f = failureOf(run);
    if (f) {
      failures++;
      if (!failure || compareFailures(f, failure) < 0) failure = f;
      if (stopAtFirst) break;
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { choices: number[]; at: number };
      if (++top.at < top.choices.length) break;
      stack.pop();
    }
    if (stack.length === 0) break;
  }
  return { executions, complete: executions, redundant: 0, steps, failures, ...(failure ? { failure } : {}) };
}
