import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import { footprintsConflict, type Footprint } from './footprint.js';
import { compareFailures, failureOf, remainingExecutions, SiblingCosts, type ExploreFailure, type ExploreResult, type ExplorerOptions } from './result.js';
import { OpLog, trackedModel } from './op-log.js';
import { StateSpace } from './state-space.js';
import { StateTracker, type TrackerSnapshot } from './state-tracker.js';

/** Options of the stateful search. */
export interface StatefulOptions extends ExplorerOptions {
  /** Most preemptions an execution may have (default: no bound). */
  readonly preemptionBound?: number;
  /** Prune with sleep sets (default: on without a bound; never with one). */
  readonly sleepSets?: boolean;
}

/** What a stateful search did, beyond `ExploreResult`. */
export interface StatefulResult extends ExploreResult {
  /** Executions cut short at a state an earlier interleaving had already explored. */
  readonly stateHits: number;
  /** Distinct states expanded. */
  readonly states: number;
}

/**
 * Stateful DFS: like `boundedDfs`, but a state (see `state-space.ts`: two prefixes with the same
 * identity have the same future) that was already explored is not explored again. Executions
 * are the leaves of the search: `complete` runs, `stateHits` (cut at a state explored before) and
 * `redundant` ones (a new state, checked, whose every enabled thread sleeps: its successors are
 * covered by other branches). A terminal state is never cached: each complete run is reported.
 *
 * With a preemption bound (no sleep sets: Coons et al., OOPSLA 2013) the cache keeps, per state
 * and last thread (the next step's preemption cost depends on it), the fewest preemptions it was
 * reached with; reached again with at least as many, it has no schedule left that the first visit
 * did not try and is skipped; with fewer, it is explored again (a deadlock is reported again).
 * The DFS visits schedules in lexicographic order and equal states have equal step counts, so the
 * first visit's schedule is no worse on every key of `compareFailures`: the first failure found,
 * and the best one with `stopAtFirst: false`, are exactly those of `boundedDfs`.
 *
 * Without a bound it adds sleep sets (Godefroid, "Partial-Order Methods for the Verification of
 * Concurrent Systems", LNCS 1032, 1996), which prune transitions but never states: a thread is put
 * to sleep once its subtree has been explored and stays asleep while the steps taken commute with
 * its pending step. With state caching a state keeps the sleep set of its first visit; a later
 * visit explores the threads that slept then but are awake now, and the kept set shrinks to the
 * intersection (Godefroid's combination of sleep sets with state caching). Every reachable state
 * is visited, so every state invariant is checked at every state: no invariant-read learning and
 * no "visible" dependence (which made DPOR order nearly every step of the kernel models). Runs end
 * at failures, which breaks the commuting diamonds the sleep sets rely on (the path that justifies
 * a sleeping thread may pass through a state where a run stopped, while the pruned one does not),
 * so two rules keep the search exact:
 * - a thread whose subtree reached a failure is not put to sleep (a smaller sleep set only adds
 *   work); if it reached none, no failure is reachable from the state after it (every state there
 *   was visited), so the commuted paths are real paths through the same states;
 * - a state's cache entry records whether its subtree reached a failure, and a hit passes that on.
 * The generated-model test checks that it finds exactly the final states and failures plain DFS
 * finds, with and without a bound.
 */
export function statefulSearch(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: StatefulOptions = {}): StatefulResult {
  return new Stateful(model, fixes, scenario, options).explore();
}

interface Entry {
  /** The sleep set this state's exploration left out (sleep-set mode). */
  sleep: ReadonlyMap<number, Footprint> | null;
  /** Fewest preemptions it was reached with (bounded mode). */
  minPreemptions: number;
  /** Some execution through its subtree failed. */
  failed: boolean;
}

/** A state on the search stack (work stealing's nodes extend it). */
export interface Node {
  readonly key: number;
  /** Threads to take from here, in order. */
  readonly choices: readonly number[];
  at: number;
  /** The sleep set on arrival. */
  readonly sleep: ReadonlyMap<number, Footprint>;
  /** Children explored whose subtree had no failure, with the footprint of the step taken. */
  readonly done: Array<readonly [number, Footprint]>;
  readonly snap: TrackerSnapshot;
  /** The run's preemptions on arrival (a replay does not count them). */
  readonly preemptions: number;
  failed: boolean;
  /** The child in progress. */
  child: number;
  childFp: Footprint;
  /** Executions when the child in progress began, and what the last finished one took (-1: none), for estimates. */
  started: number;
  lastCost: number;
  firstCost: number;
}

export const NO_SLEEP: ReadonlyMap<number, Footprint> = new Map();
export const NO_SNAPSHOT: TrackerSnapshot = { keyIds: [], ghost: '', ghostUnique: false, ghostId: 0, history: [], counts: [], tickets: [] };

class Stateful {
  private readonly bound: number;
  private readonly bounded: boolean;
  private readonly useSleep: boolean;
  private readonly stopAtFirst: boolean;
  private readonly space = new StateSpace();
  private readonly log = new OpLog();
  private readonly runModel: AnyModel;
  /** Per state id (`StateTracker.stateId`), its entry once visited. */
  // Stryker disable next-line ArrayDeclaration: state ids start at 1, so index 0 is never read
  private readonly visited: Array<Entry | undefined> = [];
  private stateCount = 0;
  private readonly stack: Node[] = [];
  private readonly enabledBuf: number[];
  private tracker!: StateTracker;
  // Stryker disable next-line BooleanLiteral: explore sets it (arrive) before the loop first reads it
  private atTop = false;
  private executions = 0;
  private complete = 0;
  private redundant = 0;
  private steps = 0;
  private failures = 0;
  private hits = 0;
  private failure: ExploreFailure | undefined;
  private readonly siblings = new SiblingCosts();

  constructor(
    private readonly model: AnyModel,
    private readonly fixes: ReadonlySet<string>,
    private readonly scenario: Scenario,
    private readonly options: StatefulOptions,
  ) {
    this.bound = options.preemptionBound ?? Number.POSITIVE_INFINITY;
    this.bounded = Number.isFinite(this.bound);
    this.useSleep = !this.bounded && (options.sleepSets ?? true);
    this.stopAtFirst = options.stopAtFirst ?? true;
    // Stryker disable next-line ArrayDeclaration: preallocation only; enabledThreads writes every slot it reports
    this.enabledBuf = new Array<number>(scenario.length);
    this.runModel = trackedModel(model, this.log);
  }

  explore(): StatefulResult {
    const run = this.newRun();
    this.tracker = new StateTracker(this.space, run, this.log);
    for (const tid of this.options.prefix ?? []) {
      if (run.outcome !== null) break;
      this.tracker.step(tid);
      this.steps++;
    }
    if (run.outcome !== null) this.endExecution(run);
    else this.arrive(NO_SLEEP);
    const stack = this.stack;
    const cap = this.options.maxExecutions ?? Number.POSITIVE_INFINITY;
    while (stack.length > 0 && !(this.stopAtFirst && this.failure)) {
      if (this.executions >= cap) return { ...this.result(), estimated: this.executions + remainingExecutions(stack.map((n) => ({ started: n.started, lastCost: n.lastCost, unstarted: n.choices.length - n.at })), this.executions, this.siblings.ratio) };
      const top = stack[stack.length - 1] as Node;
      if (top.at >= top.choices.length) {
        this.pop();
        continue;
      }
      const tid = top.choices[top.at++] as number;
      top.started = this.executions;
      if (!this.atTop) this.replay();
      this.atTop = false;
      const fp = this.tracker.step(tid);
      this.steps++;
      top.child = tid;
      top.childFp = fp;
      const r = this.tracker.current;
      if (r.outcome !== null) {
        this.finishChild(top, this.endExecution(r));
        continue;
      }
      const ended = this.arrive(this.useSleep ? childSleep(top, tid, fp) : NO_SLEEP);
      if (ended !== undefined) this.finishChild(top, ended);
    }
    return this.result();
  }

  private result(): StatefulResult {
    return {
      executions: this.executions,
      complete: this.complete,
      redundant: this.redundant,
      steps: this.steps,
      failures: this.failures,
      ...(this.failure ? { failure: this.failure } : {}),
      stateHits: this.hits,
      states: this.stateCount,
    };
  }

  private newRun(): Run {
    this.log.reset();
    return new Run(this.runModel, this.fixes, this.scenario, this.options.maxSteps !== undefined ? { maxSteps: this.options.maxSteps } : {});
  }

  /**
   * At a state the run has not ended in: pushes a node to explore it, or returns whether the
   * subtree that ends here failed (a state explored before, a deadlock, every thread asleep).
   */
  private arrive(sleep: ReadonlyMap<number, Footprint>): boolean | undefined {
    const run = this.tracker.current;
    const key = this.tracker.stateId(this.bounded ? run.lastThread : undefined);
    const entry = this.visited[key];
    let choices: number[];
    if (entry) {
      if (this.bounded) {
        if (entry.minPreemptions <= run.preemptions) return this.hit(entry);
        // Reached with fewer preemptions: explore it again (a deadlock is reported again).
        entry.minPreemptions = run.preemptions;
        if (run.enabledThreads(this.enabledBuf) === 0) {
          run.declareDeadlock();
          // Stryker disable next-line ConditionalExpression,BooleanLiteral: a bound means no sleep sets, and `failed` only decides who sleeps (a deadlock's first visit set it already)
          if (this.endExecution(run)) entry.failed = true;
          return entry.failed;
        }
        choices = this.allowed(run);
      } else {
        // Without sleep sets the first visit explored every enabled thread: a plain hit.
        if (entry.sleep === null) return this.hit(entry);
        // Explore what slept at the first visit but is awake now (Godefroid's rule).
        const stored = entry.sleep;
        const awake: number[] = [];
        stored.forEach((_fq, q) => {
          if (!sleep.has(q) && run.isEnabled(q)) awake.push(q);
        });
        if (awake.length === 0) return this.hit(entry);
        choices = awake;
        choices.sort((a, b) => a - b);
        // The stored set may be shared with nodes long finished: replace it, never edit it.
        const both = new Map<number, Footprint>();
        stored.forEach((fq, q) => {
          if (sleep.has(q)) both.set(q, fq);
        });
        entry.sleep = both.size === 0 ? NO_SLEEP : both;
      }
    } else {
      const count = run.enabledThreads(this.enabledBuf);
      if (count === 0) {
        run.declareDeadlock();
        const failed = this.endExecution(run);
        this.visit(key, { sleep: NO_SLEEP, minPreemptions: run.preemptions, failed });
        return failed;
      }
      if (this.bounded) choices = this.allowed(run);
      else {
        choices = [];
        const enabled = this.enabledBuf;
        for (let i = 0; i < count; i++) {
          const t = enabled[i] as number;
          if (sleep.size === 0 || !sleep.has(t)) choices.push(t);
        }
      }
      this.visit(key, { sleep: this.useSleep ? sleep : null, minPreemptions: run.preemptions, failed: false });
      if (choices.length === 0) {
        this.executions++;
        this.redundant++;
        return false;
      }
    }
    // Only a node with a second choice is ever replayed to.
    // Stryker disable next-line ArrayDeclaration,UnaryOperator: child and childFp are set before they are read; a non-numeric entry in done only adds a sleep-set key no thread id matches
    this.stack.push({ key, choices, at: 0, sleep, done: [], snap: choices.length > 1 ? this.tracker.snapshot() : NO_SNAPSHOT, preemptions: run.preemptions, failed: false, child: -1, childFp: [], started: this.executions, lastCost: -1, firstCost: -1 });
    this.atTop = true;
    return undefined;
  }

  private visit(key: number, entry: Entry): void {
    const visited = this.visited;
    // State ids are handed out in order, so the array stays dense.
    // Stryker disable next-line ConditionalExpression: unpadded, the array is holey, and a hole reads as undefined all the same
    while (visited.length < key) visited.push(undefined);
    visited[key] = entry;
    this.stateCount++;
  }

  private hit(entry: Entry): boolean {
    this.executions++;
    this.hits++;
    return entry.failed;
  }

  /** The enabled threads the preemption bound allows next. */
  private allowed(run: Run): number[] {
    const count = run.enabledThreads(this.enabledBuf);
    const last = run.lastThread;
    const canPreempt = run.preemptions < this.bound;
    const lastEnabled = last >= 0 && run.isEnabled(last);
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = this.enabledBuf[i] as number;
      if (canPreempt || !lastEnabled || t === last) out.push(t);
    }
    return out;
  }

  private pop(): void {
    const node = this.stack.pop() as Node;
    this.atTop = false;
    const entry = this.visited[node.key] as Entry;
    if (node.failed) entry.failed = true;
    const parent = this.stack[this.stack.length - 1];
    if (parent) this.finishChild(parent, entry.failed);
  }

  /** The child in progress of `node` is done; its subtree failed or not. */
  private finishChild(node: Node, failed: boolean): void {
    node.lastCost = this.executions - node.started;
    this.siblings.add(node.firstCost, node.lastCost);
    if (node.firstCost < 0) node.firstCost = node.lastCost;
    if (failed) node.failed = true;
    else if (this.useSleep) node.done.push([node.child, node.childFp]);
  }

  /**
   * Replays a fresh run to the state of the top node. Its steps were taken and checked before on
   * a run of the same model (the prefix by `explore`, the rest on the way down to the top node)
   * and none ended it: `replayStep` retakes them without checking enabledness and invariants
   * again, and the preemptions are those counted on the way down.
   */
  private replay(): void {
    const run = this.newRun();
    const prefix = this.options.prefix;
    if (prefix) {
      for (const tid of prefix) {
        run.replayStep(tid);
        this.steps++;
      }
    }
    const stack = this.stack;
    const top = stack[stack.length - 1] as Node;
    for (let i = 0; i < stack.length - 1; i++) run.replayStep((stack[i] as Node).child);
    this.steps += stack.length - 1;
    run.preemptions = top.preemptions;
    this.tracker.restore(run, top.snap);
  }

  /** Counts an ended execution; returns whether it failed. */
  private endExecution(run: Run): boolean {
    this.executions++;
    this.complete++;
    this.options.onExecution?.(run);
    const f = failureOf(run);
    if (!f) return false;
    this.failures++;
    if (!this.failure || compareFailures(f, this.failure) < 0) this.failure = f;
    return true;
  }
}

/**
 * The sleep set after `tid` (footprint `fp`) at `node`: sleepers and finished siblings that
 * commute with it. Sleep sets are never changed once made, so an empty one is shared.
 */
export function childSleep(node: Pick<Node, 'sleep' | 'done'>, tid: number, fp: Footprint): ReadonlyMap<number, Footprint> {
  let out: Map<number, Footprint> | null = null;
  if (node.sleep.size !== 0) {
    // `forEach`, not `for...of`: a cold `for...of` allocates per entry.
    const kept = new Map<number, Footprint>();
    node.sleep.forEach((fq, q) => {
      if (q !== tid && !footprintsConflict(fq, fp)) kept.set(q, fq);
    });
    if (kept.size !== 0) out = kept;
  }
  const done = node.done;
  for (let i = 0; i < done.length; i++) {
    const d = done[i] as readonly [number, Footprint];
    const q = d[0];
    const fq = d[1];
    if (q !== tid && !footprintsConflict(fq, fp)) (out ??= new Map()).set(q, fq);
  }
  return out ?? NO_SLEEP;
}
