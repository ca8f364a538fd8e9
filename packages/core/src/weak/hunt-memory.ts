import { counterexampleOf, type Counterexample } from '../counterexample.js';
import { NothingCoveredError } from '../faults.js';
import type { AnyModel } from '../model.js';
import type { Outcome } from '../outcome.js';
import { Prng } from '../prng.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import type { Strategy } from '../strategies/strategy.js';
import type { Chooser } from './chooser.js';
import { checkBarrierNames } from './model-barriers.js';
import { exploreWeak } from './verify-weak.js';

/** Options of `huntUnderMemory`. */
export interface MemoryHuntOptions {
  readonly fixes: readonly string[];
  readonly memory: 'tso' | 'lkmm';
  readonly withoutBarriers?: readonly string[];
  readonly seed: number;
  /** Random runs at most. */
  readonly runs: number;
  /** Scenarios, taken in turn (default: the catalogue). */
  readonly scenarios?: readonly Scenario[];
  readonly onProgress?: (done: number) => void;
}

/** What a hunt under weak memory found. */
export interface MemoryHuntResult {
  readonly found: boolean;
  /** Random runs made (dropped inconsistent ones included). */
  readonly runs: number;
  /** Runs dropped because the memory model forbids their execution. */
  readonly pruned: number;
  readonly counterexample?: Counterexample;
}

/**
 * A random hunt under `tso` or `lkmm`: each run picks a random enabled thread at every step and a
 * random write for each read and place for each write (all from `seed`). The first failure is
 * shrunk by exploring its scenario whole and keeping the smallest failure (fewest preemptions,
 * then weak edges, then steps).
 */
export function huntUnderMemory(model: AnyModel, options: MemoryHuntOptions): MemoryHuntResult {
  const without = options.withoutBarriers ?? [];
  checkBarrierNames(model, without);
  const scenarios = options.scenarios ?? model.scenarios.catalogue.map((s) => s.threads);
  if (scenarios.length === 0) throw new NothingCoveredError(`model '${model.name}' has no scenario to hunt (its catalogue is empty)`);
  const prng = new Prng(options.seed);
  const chooser: Chooser = { choose: (count) => prng.below(count) };
  // Thread picks draw from the same generator as the reads-from choices, in the order the run makes them.
  const walk: Strategy = { name: `random-${options.memory}`, beginExecution: () => undefined, pick: (enabled, count) => enabled[prng.below(count)] as number };
  const weak = { memory: options.memory, chooser, withoutBarriers: new Set(without) };
  const fixes = new Set(options.fixes);
  let pruned = 0;
  for (let i = 0; i < options.runs; i++) {
    const scenario = scenarios[i % scenarios.length] as Scenario;
    const run = new Run(model, fixes, scenario, { weak });
    run.drive(walk);
    options.onProgress?.(i + 1);
    if (run.pruned) {
      pruned++;
      continue;
    }
    if ((run.outcome as Outcome).kind === 'ok') continue;
    const smallest = exploreWeak(model, fixes, scenario, { memory: options.memory, withoutBarriers: weak.withoutBarriers }).failure;
    const schedule = smallest?.schedule ?? run.schedule;
    const choices = smallest?.choices ?? run.weak?.choices ?? [];
    const counterexample = counterexampleOf(model, options.fixes, scenario, schedule, `random-${options.memory}`, { memory: options.memory, choices, withoutBarriers: without });
    return { found: true, runs: i + 1, pruned, counterexample };
  }
  return { found: false, runs: options.runs, pruned };
}

