import fc from 'fast-check';
import {
  counterexampleOf,
  describeOutcome,
  encodeToken,
  modelFingerprint,
  execute,
  formatScenario,
  isFailure,
  renderRaceTable,
  resolveVariant,
  RandomWalk,
  type AnyModel,
  type Counterexample,
  type Scenario,
} from '@kvmrace/core';
import { minimiseFailure, runData } from './minimise.js';
import { scenarioArbitrary, scenarioBounds, type ScenarioArbitraryOptions } from './scenario.js';
import { scheduleArbitrary, type ScheduleArbitraryOptions, type ScheduleData } from './schedule.js';

/** Options of `noRace` and `findMinimalRace`. */
export interface RacePropertyOptions extends ScenarioArbitraryOptions {
  /** `buggy`, `upstream` (`fixed` is a synonym), `all`, a proposal or named variant, or a comma list of fixes (default `upstream`). */
  readonly variant?: string;
  /** Preemption points fall in steps 0..horizon-1 (default: estimated from the model). */
  readonly horizon?: number;
  /** Most preemption points per schedule (default 6). */
  readonly maxPreemptions?: number;
}

/** A failure of `noRace`, carried by the error fast-check reports. */
export class RaceFound extends Error {
  override readonly name = 'RaceFound';
  constructor(
    message: string,
    readonly scenario: Scenario,
    readonly schedule: readonly number[],
  ) {
    super(message);
  }
}

/**
 * How far into a run preemption points should reach: the longest single-thread run of any
 * operation under the default schedule, times the most operations, plus a quarter for retries.
 */
export function estimateHorizon(model: AnyModel, fixes: readonly string[], opts: ScenarioArbitraryOptions = {}): number {
  const { maxOps } = scenarioBounds(model, opts);
  const fixSet = new Set(fixes);
  let longest = 1;
  for (const op of model.operationNames) {
    const e = execute(model, fixSet, [[op]], new RandomWalk(1));
    longest = Math.max(longest, e.schedule.length);
  }
  return Math.max(8, Math.ceil(longest * maxOps * 1.25));
}

/** The scenario and schedule arbitraries `noRace` uses, exposed for custom properties. */
export function raceArbitraries(model: AnyModel, opts: RacePropertyOptions = {}): { fixes: readonly string[]; scenario: fc.Arbitrary<Scenario>; schedule: fc.Arbitrary<ScheduleData> } {
  const { fixes } = resolveVariant(model, opts.variant ?? 'upstream');
  const bounds = scenarioBounds(model, opts);
  const schedOpts: ScheduleArbitraryOptions = {
    horizon: opts.horizon ?? estimateHorizon(model, fixes, opts),
    threads: bounds.maxThreads,
    maxPreemptions: opts.maxPreemptions ?? 6,
  };
  return { fixes, scenario: scenarioArbitrary(model, opts), schedule: scheduleArbitrary(schedOpts) };
}

/**
 * The property "no interleaving of any allowed scenario fails" for `fc.assert`/`fc.check`:
 * a failure throws `RaceFound` with the outcome and a replay token.
 * `threads` and `maxOps` narrow the model's scenario space.
 */
export function noRace(model: AnyModel, opts: RacePropertyOptions = {}): fc.IPropertyWithHooks<[Scenario, ScheduleData]> {
  const { fixes, scenario, schedule } = raceArbitraries(model, opts);
  const fixSet = new Set(fixes);
  return fc.property(scenario, schedule, (sc, data) => {
    const e = runData(model, fixSet, sc, data);
    if (isFailure(e.outcome)) {
      const token = encodeToken({ model: model.name, fixes, scenario: sc, schedule: e.schedule, engine: 'fast-check', fingerprint: modelFingerprint(model) });
      throw new RaceFound(`${formatScenario(sc)}: ${describeOutcome(e.outcome)} (${e.preemptions} preemptions, ${e.schedule.length} steps); replay: kvmrace replay ${token}`, sc, e.schedule);
    }
    return true;
  });
}

/** Options of `findMinimalRace`. */
export interface FindRaceOptions extends RacePropertyOptions {
  /** fast-check seed (default 1). */
  readonly seed?: number;
  /** Most property runs (default 10,000). */
  readonly numRuns?: number;
  /** Run the minimiser after fast-check's shrinking (default true). */
  readonly minimise?: boolean;
  /** Executions the minimiser may spend (default 20,000). */
  readonly budget?: number;
  /** Minimise only towards the same failure (kind and invariant); default: any failure. */
  readonly sameFailure?: boolean;
}

/** What `findMinimalRace` found. */
export interface RaceSearch {
  readonly model: string;
  readonly variant: string;
  readonly found: boolean;
  /** Property runs until the first failure (or all of them). */
  readonly runs: number;
  /** Successful shrink steps fast-check took. */
  readonly shrinks: number;
  readonly seed: number;
  /** fast-check's replay path of the shrunk counterexample. */
  readonly path?: string;
  /** Milliseconds until the first failure. */
  readonly msToFind: number;
  /** Milliseconds of fast-check's shrinking. */
  readonly msToShrink: number;
  /** Milliseconds of the minimiser and normaliser. */
  readonly msToMinimise: number;
  /** fast-check's shrunk failure before minimisation. */
  readonly shrunk?: { readonly scenario: Scenario; readonly data: ScheduleData; readonly steps: number; readonly preemptions: number };
  /** The final counterexample (engine `fast-check`). */
  readonly counterexample?: Counterexample;
}

/**
 * Runs `noRace` under fast-check from a seed; on failure, lets fast-check shrink it (operations,
 * threads, then preemption points), then minimises (fewest operations and preemptions by
 * preemption-bounded search) and normalises (fewest context switches), and replays the result
 * into a core `Counterexample`.
 */
export function findMinimalRace(model: AnyModel, opts: FindRaceOptions = {}): RaceSearch {
  const variant = resolveVariant(model, opts.variant ?? 'buggy');
  const seed = opts.seed ?? 1;
  const { fixes, scenario, schedule } = raceArbitraries(model, { ...opts, variant: variant.fixes.length ? variant.fixes.join(',') : 'buggy' });
  const fixSet = new Set(fixes);
  const t0 = performance.now();
  let firstFailure = -1;
  const property = fc.property(scenario, schedule, (sc, data) => {
    const e = runData(model, fixSet, sc, data);
    if (isFailure(e.outcome)) {
      if (firstFailure < 0) firstFailure = performance.now();
      return false;
    }
    return true;
  });
  const r = fc.check(property, { seed, numRuns: opts.numRuns ?? 10_000 });
  const t1 = performance.now();
  const base = { model: model.name, variant: variant.name, seed, shrinks: r.numShrinks, runs: r.numRuns };
  if (!r.failed || !r.counterexample) {
    return { ...base, found: false, msToFind: t1 - t0, msToShrink: 0, msToMinimise: 0 };
  }
  const [sc, data] = r.counterexample;
  const e = runData(model, fixSet, sc, data);
  const shrunk = { scenario: sc, data, steps: e.schedule.length, preemptions: e.preemptions };
  let finalScenario: Scenario = sc;
  let finalSchedule: readonly number[] = e.schedule;
  if (opts.minimise !== false) {
    const m = minimiseFailure(model, fixes, sc, e.schedule, { ...opts, ...(opts.budget !== undefined ? { budget: opts.budget } : {}) });
    finalScenario = m.scenario;
    finalSchedule = m.schedule;
  }
  const counterexample = counterexampleOf(model, fixes, finalScenario, finalSchedule, 'fast-check');
  const t2 = performance.now();
  return {
    ...base,
    found: true,
    path: r.counterexamplePath ?? undefined,
    msToFind: firstFailure - t0,
    msToShrink: t1 - firstFailure,
    msToMinimise: t2 - t1,
    shrunk,
    counterexample,
  } as RaceSearch;
}

/** The report printed when a race is found: the race table, the seed and path, the token. */
export function raceReport(search: RaceSearch): string {
  const cx = search.counterexample;
  if (!cx) return `${search.model} (${search.variant}): no race in ${search.runs} runs (seed ${search.seed})`;
  return [
    renderRaceTable(search.model, search.variant, cx),
    '',
    `fast-check: seed ${search.seed}, path "${search.path ?? ''}", ${search.runs} runs, ${search.shrinks} shrinks`,
    `replay: kvmrace replay ${cx.token}`,
  ].join('\n');
}
