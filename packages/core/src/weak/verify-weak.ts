import type { AnyModel } from '../model.js';
import type { Outcome } from '../outcome.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import { FootprintObserver, footprintsConflict, type Footprint } from '../explore/footprint.js';
import type { Chooser } from './chooser.js';
import { weakKeyContext, weakStateKey } from './weak-state-key.js';

/** Options of an exhaustive exploration under a weak memory model. */
export interface WeakExploreOptions {
  readonly memory: 'tso' | 'lkmm';
  /** Barrier toggles turned off. */
  readonly withoutBarriers?: ReadonlySet<string>;
  /** Stop at the first failing execution (default false: keep the smallest failure). */
  readonly stopAtFirst?: boolean;
  /** Step budget of one run (default: the model's). */
  readonly maxSteps?: number;
  /**
   * Skip a state (execution graph so far, threads' progress, the other objects' and the ghost
   * state: see `weak-state-key.ts`) that an earlier interleaving already reached: its subtree was
   * explored then (default true). The verdict, and the set of outcomes found, are those of the
   * plain search; the counts are of the runs actually made, and the failure kept may differ.
   */
  readonly stateCaching?: boolean;
  /** Judge the graph after every step (`WeakRunOptions.judgeEveryStep`): for checking the shortcut. */
  readonly judgeEveryStep?: boolean;
  /**
   * Sleep sets (Godefroid 1996): after the subtree of one thread's step is explored, sibling
   * branches do not take that step again until a step that conflicts with it (`footprintsConflict`)
   * has run, since it would lead to states already explored (default true). Every reachable state
   * is still reached, so the verdict is the same. A scenario that fails is searched again without
   * them for its smallest failure, which the orders they leave out may hold; that search cuts every
   * run already costing more than the smallest failure known, and its runs and steps are added to
   * the first search's `executions` and `steps` (the other counts are the first search's).
   */
  readonly sleepSets?: boolean;
  /**
   * Offer a read only the writes the memory model lets it read from there (`Chooser.chooseAmong`),
   * judging each when the read is first met, instead of starting a run for each and dropping the
   * inconsistent ones (default true): the same executions, no run dropped at a read.
   */
  readonly filterReads?: boolean;
  /**
   * With sleep sets (and without `stopAtFirst`), explore again a state reached again with fewer
   * preemptions or weak edges than before (default true). Off, such a state is cut like any other:
   * its first visit explored every state after it, so the states, graphs, verdict and smallest
   * failure (the search without sleep sets finds it) stay the same, in fewer runs; what changes is
   * which interleaving reaches a graph, so fewer runs end with a weak edge. `verifyUnderMemory`
   * turns it off.
   */
  readonly revisitCheaper?: boolean;
  /** Called with every complete, consistent execution's run. */
  readonly onExecution?: (run: Run) => void;
}

/** A failing execution under a weak memory model: replay its schedule with its choices. */
export interface WeakFailure {
  readonly scenario: Scenario;
  readonly schedule: readonly number[];
  /** The reads-from and coherence choices, in the order the run made them. */
  readonly choices: readonly number[];
  readonly preemptions: number;
  /** Choices that were not the sequentially consistent one (a stale read, a write placed early). */
  readonly weakEdges: number;
  readonly outcome: Outcome;
}

/** What an exhaustive exploration under a weak memory model did. */
export interface WeakExploreResult {
  /** Runs started: every interleaving with every choice of reads-from and coherence. */
  readonly executions: number;
  /** Runs whose execution graph the memory model allows, to their end. */
  readonly consistent: number;
  /** Distinct consistent execution graphs among them (interleavings that build the same graph count once). */
  readonly distinct: number;
  /**
   * Executions dropped as inconsistent: runs dropped where the graph became so, and the writes a
   * read was not offered because reading from them would make it so (`filterReads`).
   */
  readonly pruned: number;
  readonly steps: number;
  readonly failures: number;
  /** Runs cut short at a state an earlier run had reached (with `stateCaching`). */
  readonly stateHits: number;
  /** Distinct states recorded (with `stateCaching`). */
  readonly states: number;
  /** Failing runs that made no weak choice: interleavings that fail under `sc` too. */
  readonly scFailures: number;
  /** Runs cut because every enabled thread's step was asleep (with `sleepSets`). */
  readonly sleepBlocked: number;
  readonly failure?: WeakFailure;
}

/** A preemption outweighs any number of weak edges in a failure's cost. */
const PREEMPTION = 1_000_000;

/** A run's or failure's cost: its preemptions, then its weak edges. */
function costOf(preemptions: number, weakEdges: number): number {
  return preemptions * PREEMPTION + weakEdges;
}

/** Orders failures: fewer preemptions, then fewer weak edges, then fewer steps. */
export function compareWeakFailures(a: WeakFailure, b: WeakFailure): number {
  if (a.preemptions !== b.preemptions) return a.preemptions - b.preemptions;
  if (a.weakEdges !== b.weakEdges) return a.weakEdges - b.weakEdges;
  return a.schedule.length - b.schedule.length;
}

/**
 * Every execution of `scenario` under a weak memory model: a stateless depth-first search over one
 * tree of choices, the thread each step runs and, inside the steps, the write each read reads from
 * and the place of each write in coherence (see `WeakMemory`). Choice 0 is always the sequentially
 * consistent one, so the first run is an interleaving `sc` runs too. Runs whose graph the model
 * forbids are dropped as soon as it does. With `stateCaching` (the default) a run stops at a state
 * between two steps that an earlier run reached: in a depth-first search that state's subtree has
 * been explored in full by then (the graph only grows, so a run never comes back to a state it
 * passed). Interleavings that build the same graph then share their futures, which is what keeps
 * the search polynomial in the length of the threads rather than exponential; sleep sets
 * (`sleepSets`) spare most of the runs that would only reach such a state again, and filtered
 * reads (`filterReads`) the runs that would be dropped at once (`distinct` counts the graphs of
 * the runs made to their end).
 */
export function exploreWeak(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: WeakExploreOptions): WeakExploreResult {
  const sleeping = options.sleepSets ?? true;
  const result = search(model, fixes, scenario, options, sleeping);
  if (!sleeping || result.failure === undefined || options.stopAtFirst === true) return result;
  // The orders sleep sets leave out may hold the failure with the fewest preemptions: searched
  // for without them, cutting every run that already costs more than the smallest failure known.
  const smallest = search(model, fixes, scenario, options, false, result.failure);
  return { ...result, executions: result.executions + smallest.executions, steps: result.steps + smallest.steps, failure: smallest.failure ?? result.failure };
}

/** A choice point of the search: which thread steps, or (inside a step) a reads-from or coherence choice. */
interface Node {
  readonly count: number;
  at: number;
  /** At a filtered reads-from choice (`Chooser.chooseAmong`): the options the graph allows. */
  readonly options?: readonly number[];
  /** At a thread choice: the enabled threads, the choice's options. */
  readonly threads?: readonly number[];
  /** At a thread choice: the threads asleep on arrival, with their steps' footprints. */
  readonly asleep?: ReadonlyMap<number, Footprint>;
  /** At a thread choice: per thread explored here, the union of its step's footprints over the runs. */
  readonly taken?: Map<number, number[]>;
  /** At a thread choice: the sleep set after the step last taken here, with the inner choices as they are now. */
  after?: ReadonlyMap<number, Footprint>;
  /** At a thread choice: the run's preemptions after that step. */
  preemptionsAfter?: number;
}

/**
 * One depth-first search (see `exploreWeak`), with or without sleep sets. With `bound`, a failure
 * found before, it looks only for a smaller one: a run is cut once its preemptions and weak edges
 * cost more than the smallest failure known (both only grow along a run), and the failure it
 * returns is the smallest (undefined if none is smaller than `bound`).
 */
function search(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: WeakExploreOptions, sleeping: boolean, bound?: WeakFailure): WeakExploreResult {
  const stack: Node[] = [];
  let cursor = 0;
  // Executions the model forbids: runs dropped, and reads' options judged inconsistent before any run took them.
  let pruned = 0;
  const tape: Chooser = {
    choose(count: number): number {
      if (cursor < stack.length) return (stack[cursor++] as Node).at;
      stack.push({ count, at: 0 });
      cursor++;
      return 0;
    },
    chooseAmong: options.filterReads === false ? undefined : (count: number, allowed: (option: number) => boolean): number => {
      if (cursor < stack.length) {
        const node = stack[cursor++] as Node;
        return node.options === undefined ? node.at : (node.options[node.at] as number);
      }
      const options = [0];
      for (let i = 1; i < count; i++) if (allowed(i)) options.push(i);
      pruned += count - options.length;
      stack.push({ count: options.length, at: 0, options });
      cursor++;
      return 0;
    },
    // The last choice on the stack is the one this run changes: until it is taken, this run repeats the one before.
    replaying: () => cursor < stack.length,
  };
  const observer = new FootprintObserver();
  const enabled = new Array<number>(scenario.length);
  const graphs = new Set<string>();
  let executions = 0;
  let consistent = 0;
  let steps = 0;
  let failures = 0;
  let scFailures = 0;
  let stateHits = 0;
  let sleepBlocked = 0;
  const caching = options.stateCaching ?? true;
  // Per state, the fewest (preemptions, weak edges) it was reached with: a run that reaches it
  // again with no fewer is cut, one with fewer goes on, so the smallest failure is still found.
  // With sleep sets, also the threads asleep there on the first visit: a later visit is cut only
  // if at least those sleep (Godefroid's condition for combining sleep sets with a state cache).
  const seen = new Map<string, { min: number; byLast: Map<number, number>; asleep: number }>();
  // With sleep sets the cost need not matter (`revisitCheaper`): only this search's verdict is
  // kept, the smallest failure being the next search's (`exploreWeak`), unless it stops at the first.
  const anyCost = sleeping && options.stopAtFirst !== true && options.revisitCheaper === false;
  const cx = weakKeyContext();
  let failure: WeakFailure | undefined;
  const weak = { memory: options.memory, chooser: tape, judgeEveryStep: options.judgeEveryStep === true, ...(options.withoutBarriers ? { withoutBarriers: options.withoutBarriers } : {}) };
  for (;;) {
    cursor = 0;
    const run = new Run(model, fixes, scenario, { weak, ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}) });
    let hit = false;
    let blocked = false;
    // The threads whose next step is asleep, with its footprint, and the same as a bit mask.
    let asleep = EMPTY;
    if (sleeping) {
      asleep = replayExactly(run, stack, () => cursor, (c) => (cursor = c));
      steps += run.schedule.length;
    }
    while (run.outcome === null) {
      const cost = costOf(run.preemptions, run.weak?.weakEdges ?? 0);
      // With a bound, a run that already costs more than the smallest failure known is cut
      // (counted with the state hits: this search's counts only add to the work done).
      if (bound !== undefined) {
        const best = failure ?? bound;
        if (cost > costOf(best.preemptions, best.weakEdges)) {
          hit = true;
          break;
        }
      }
      const mask = sleepMask(asleep);
      // Only the states past the replayed prefix are new to this run (those on it were recorded before).
      if (caching && cursor === stack.length && run.weak !== null) {
        const state = weakStateKey(run, run.weak, cx);
        if (state !== null) {
          // The future's preemptions depend on the thread that took the last step, by one at most.
          const last = run.lastThread;
          const best = seen.get(state);
          if (best !== undefined && (best.asleep & ~mask) === 0 && (anyCost || (best.byLast.get(last) ?? Infinity) <= cost || best.min + PREEMPTION <= cost)) {
            hit = true;
            break;
          }
          if (best === undefined) seen.set(state, { min: cost, byLast: new Map([[last, cost]]), asleep: mask });
          else {
            best.min = Math.min(best.min, cost);
            best.byLast.set(last, cost);
            best.asleep &= mask;
          }
        }
      }
      const count = run.enabledThreads(enabled);
      if (count === 0) {
        run.declareDeadlock();
        break;
      }
      if (!sleeping) {
        run.stepListed(enabled[tape.choose(count)] as number, enabled, count);
        steps++;
        continue;
      }
      let node: Node;
      if (cursor < stack.length) node = stack[cursor++] as Node;
      else {
        const first = firstAwake(enabled, count, 0, asleep);
        if (first === count) {
          blocked = true;
          break;
        }
        node = { count, at: first, threads: enabled.slice(0, count), asleep, taken: new Map() };
        stack.push(node);
        cursor++;
      }
      const tid = (node.threads as readonly number[])[node.at] as number;
      const fp = observer.step(run, tid);
      steps++;
      const taken = node.taken as Map<number, number[]>;
      const union = taken.get(tid);
      if (union === undefined) taken.set(tid, fp);
      else for (const x of fp) if (!union.includes(x)) union.push(x);
      asleep = afterStep(node, tid, fp);
      node.after = asleep;
      node.preemptionsAfter = run.preemptions;
    }
    executions++;
    const memory = run.weak;
    if (hit) {
      stateHits++;
    } else if (blocked) {
      sleepBlocked++;
    } else if (run.pruned || memory === null) {
      pruned++;
    } else {
      consistent++;
      graphs.add(memory.key());
      options.onExecution?.(run);
      const outcome = run.outcome as Outcome;
      if (outcome.kind !== 'ok') {
        failures++;
        if (memory.weakEdges === 0) scFailures++;
        const f: WeakFailure = { scenario, schedule: [...run.schedule], choices: [...memory.choices], preemptions: run.preemptions, weakEdges: memory.weakEdges, outcome };
        if (!failure || compareWeakFailures(f, failure) < 0) failure = f;
        if (options.stopAtFirst) break;
      }
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as Node;
      top.at = top.threads === undefined ? top.at + 1 : firstAwake(top.threads, top.count, top.at + 1, top.asleep as ReadonlyMap<number, Footprint>);
      if (top.at < top.count) break;
      stack.pop();
    }
    if (stack.length === 0) break;
  }
  return { executions, consistent, distinct: graphs.size, pruned, steps, failures, stateHits, states: seen.size, scFailures, sleepBlocked, ...(failure ? { failure } : {}) };
}

/**
 * Retakes, without observing them, the steps of the thread choices before the last one on the
 * stack: they and their inner choices repeat the run that last took them, which went on (so they
 * are the same steps, with the same footprints, already in `taken`), and the last thread choice
 * is the first whose step may differ. Returns the sleep set after them, leaving the cursor at the
 * last thread choice and the run's preemptions and graph as the steps taken one by one would.
 */
function replayExactly(run: Run, stack: readonly Node[], cursor: () => number, seek: (at: number) => void): ReadonlyMap<number, Footprint> {
  let last = stack.length - 1;
  while (last >= 0 && (stack[last] as Node).threads === undefined) last--;
  let done: Node | undefined;
  const weak = run.weak;
  while (cursor() < last) {
    const node = stack[cursor()] as Node;
    if (node.threads === undefined) throw new Error('replay out of step with the search stack');
    seek(cursor() + 1);
    if (weak !== null) weak.step = run.schedule.length;
    run.replayStep((node.threads as readonly number[])[node.at] as number);
    done = node;
  }
  if (done === undefined) return EMPTY;
  // The replayed steps were judged when first taken: clear what they left for the next check.
  weak?.checkIfChanged();
  run.preemptions = done.preemptionsAfter as number;
  return done.after as ReadonlyMap<number, Footprint>;
}

/** The first option from `from` on whose thread is not asleep (`count` if none). */
function firstAwake(threads: readonly number[], count: number, from: number, asleep: ReadonlyMap<number, Footprint>): number {
  let i = from;
  while (i < count && asleep.has(threads[i] as number)) i++;
  return i;
}

/**
 * The sleep set after `tid` took its step of footprint `fp` at `node`: the threads asleep there and
 * the siblings explored before it, less `tid` and every step `fp` conflicts with (which wakes it).
 */
function afterStep(node: Node, tid: number, fp: Footprint): ReadonlyMap<number, Footprint> {
  let out: Map<number, Footprint> | null = null;
  const keep = (t: number, f: Footprint): void => {
    if (t === tid || footprintsConflict(f, fp)) return;
    (out ??= new Map()).set(t, f);
  };
  for (const [t, f] of node.asleep as ReadonlyMap<number, Footprint>) keep(t, f);
  const threads = node.threads as readonly number[];
  for (let i = 0; i < node.at; i++) {
    const t = threads[i] as number;
    const f = (node.taken as Map<number, number[]>).get(t);
    if (f !== undefined) keep(t, f);
  }
  return out ?? EMPTY;
}
const EMPTY: ReadonlyMap<number, Footprint> = new Map();

function sleepMask(asleep: ReadonlyMap<number, Footprint>): number {
  let m = 0;
  for (const t of asleep.keys()) m |= 1 << t;
  return m;
}
