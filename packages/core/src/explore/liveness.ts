import type { AnyModel } from '../model.js';
import type { Outcome } from '../outcome.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import type { TraceEntry } from '../trace.js';
import { fairCycle, fairStarvingComponents, type Fairness } from './liveness-cycles.js';
import { endlessModel } from './liveness-endless.js';
import { pathTo, stateGraph, UNBOUNDED, type GraphNode } from './liveness-graph.js';
import { LivenessLog, withLivenessLog } from './liveness-hooks.js';
import { COUNTER_WRAP, LivenessSpace } from './liveness-space.js';
import { trackedModel } from './op-log.js';
import { StateTracker } from './state-tracker.js';

/** Options of `livenessSearch`. */
export interface LivenessOptions {
  /** Threads meant to run for ever (an invalidator, a timer): they repeat their operations, and their not ending is no verdict. */
  readonly endless?: readonly number[];
  /** Which runs are fair (default `strong`; see `Fairness`). */
  readonly fairness?: Fairness;
  /** Most states expanded before the search gives up undecided (default 100,000). */
  readonly maxStates?: number;
}

/** An infinite fair run in which some thread never completes its operation: a stem, then a cycle repeated for ever. */
export interface Lasso {
  /** Per thread, its operations (an endless thread's repeat). */
  readonly scenario: Scenario;
  /** The endless threads. */
  readonly endless: readonly number[];
  /** Threads that never complete their operation. */
  readonly starving: readonly number[];
  /** Thread per step: from the start to the first state of the cycle, then once round the cycle. */
  readonly stem: readonly number[];
  readonly cycle: readonly number[];
  /** The steps of the stem, then of one turn of the cycle (`stem.length` entries, then `cycle.length`). */
  readonly trace: readonly TraceEntry[];
  /** Turns of the cycle a concrete run took, coming back to the same state after each. */
  readonly repeats: number;
  /** One line: who starves, and how long the stem and cycle are. */
  readonly message: string;
}

/** What a liveness search found. */
export interface LivenessResult {
  /**
   * `livelock`: a fair lasso in which a thread starves; `holds`: every fair run lets every thread
   * that is not endless complete its operations (and none fails); `violated`: some run fails (an
   * invariant, an oops, a deadlock: `failure`); `bound-reached`: `maxStates` states were expanded
   * and none of the above was found, so nothing is decided.
   */
  readonly verdict: 'livelock' | 'holds' | 'violated' | 'bound-reached';
  readonly lasso?: Lasso;
  readonly failure?: { readonly schedule: readonly number[]; readonly outcome: Outcome };
  /** States found, and out-edges between them. */
  readonly states: number;
  readonly edges: number;
  /** Steps taken, replays included. */
  readonly steps: number;
  /** Lassos of the state graph a concrete run did not repeat (the identity merged two states). */
  readonly spurious: number;
  readonly fairness: Fairness;
}

/** The number of turns of a cycle a lasso is checked on: past the counters' wrap. */
const REPEATS = COUNTER_WRAP + 1;

/**
 * Searches for livelocks: builds the graph of the scenario's states (the stateful search's
 * identity, with what only grows left out: see `LivenessSpace`), finds its components where a
 * fair run can stay for ever while a thread that is not endless starves (see `Fairness`), and
 * turns the first, nearest the start, into a lasso, replayed on a concrete run round its cycle
 * `COUNTER_WRAP + 1` times (each turn must come back to the same state) before it is reported.
 * Retry loops must mark their heads with `loopHead`, or the thread's record (all it observed
 * since its operation started) never repeats.
 */
export function livenessSearch(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: LivenessOptions = {}): LivenessResult {
  const endless = options.endless ?? [];
  for (const t of endless) {
    if (!Number.isInteger(t) || t < 0 || t >= scenario.length) throw new RangeError(`endless thread ${String(t)} is not a thread of the scenario (0..${scenario.length - 1})`);
  }
  const fairness = options.fairness ?? 'strong';
  const wrapped = endlessModel(model, scenario, endless);
  const log = new LivenessLog();
  const run = trackedModel(wrapped.model, log);
  const space = new LivenessSpace();
  return withLivenessLog(log, () => {
    const graph = stateGraph(run, fixes, wrapped.scenario, space, log, options.maxStates ?? 100_000);
    const nodes = graph.nodes;
    const base = { states: nodes.length, edges: nodes.reduce((n, v) => n + v.edgeTo.length, 0), steps: graph.steps, fairness };
    let endlessMask = 0;
    for (const t of endless) endlessMask |= 1 << t;
    const comps = fairStarvingComponents(nodes, endlessMask, fairness)
      .map((c) => ({ c, entry: c.nodes.reduce((a, b) => ((nodes[b] as GraphNode).depth < (nodes[a] as GraphNode).depth ? b : a)) }))
      .sort((a, b) => (nodes[a.entry] as GraphNode).depth - (nodes[b.entry] as GraphNode).depth);
    let spurious = 0;
    for (const { c, entry } of comps) {
      const stem = pathTo(nodes, entry);
      const cycle = fairCycle(nodes, c, entry, fairness);
      const trace = confirm(run, fixes, wrapped.scenario, space, log, stem, cycle);
      if (trace === null) {
        spurious++;
        continue;
      }
      const starving = threadsOf(c.starving);
      const lasso: Lasso = {
        scenario,
        endless,
        starving,
        stem,
        cycle,
        trace,
        repeats: REPEATS,
        message: `${starving.map((t) => `CPU${t}`).join(', ')} never completes ${starving.length === 1 ? 'its operation' : 'their operations'} on a fair run: a stem of ${stem.length} steps, then a cycle of ${cycle.length} steps repeated for ever`,
      };
      return { verdict: 'livelock', lasso, ...(graph.failure ? { failure: graph.failure } : {}), ...base, spurious };
    }
    if (graph.failure) return { verdict: 'violated', failure: graph.failure, ...base, spurious };
    return { verdict: graph.complete ? 'holds' : 'bound-reached', ...base, spurious };
  });
}

/** Thread ids of a bit mask. */
function threadsOf(mask: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < 31; t++) if ((mask & (1 << t)) !== 0) out.push(t);
  return out;
}

/**
 * Runs the stem, then the cycle `REPEATS` times on a traced run; the trace of the stem and the
 * first turn when every step could be taken, nothing ended the run and each turn came back to the
 * state it started from (null otherwise).
 */
function confirm(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, space: LivenessSpace, log: LivenessLog, stem: readonly number[], cycle: readonly number[]): TraceEntry[] | null {
  log.reset();
  const run = new Run(model, fixes, scenario, { trace: true, maxSteps: UNBOUNDED });
  const tracker = new StateTracker(space, run, log);
  const enabledMask = () => {
    let m = 0;
    for (let t = 0; t < run.threadCount; t++) if (run.isEnabled(t)) m |= 1 << t;
    return m;
  };
  const take = (tids: readonly number[]): boolean => {
    for (const t of tids) {
      if (run.outcome !== null || !run.isEnabled(t)) return false;
      tracker.step(t);
    }
    return run.outcome === null;
  };
  if (!take(stem)) return null;
  const start = tracker.stateId(enabledMask());
  for (let i = 0; i < REPEATS; i++) {
    if (!take(cycle) || tracker.stateId(enabledMask()) !== start) return null;
  }
  return (run.trace ?? []).slice(0, stem.length + cycle.length);
}
