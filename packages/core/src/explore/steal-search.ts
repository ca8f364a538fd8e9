import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import type { Footprint } from './footprint.js';
import { compareFailures, failureOf, type ExploreFailure } from './result.js';
import { OpLog, trackedModel } from './op-log.js';
import { childSleep, NO_SLEEP, NO_SNAPSHOT, type Node as StatefulNode } from './stateful.js';
import { FingerprintSpace } from './steal-fingerprints.js';
import { CLAIMED, FAILED, FINISHED, SLEEP_SHIFT, VisitedStates, type SharedStateTable } from './steal-table.js';
import { StateTracker } from './state-tracker.js';

/**
 * A piece of one stateful search for a worker thread: a whole unit of the verification (`choices`
 * absent: explore from the end of `path`), or a subtree a busy worker gave away: the node at the
 * end of `path`, the threads still to take there, its sleep set on arrival and the siblings it had
 * finished (the sleep sets of the children are made from these, as `statefulSearch` makes them).
 * Plain data, so it can be posted to another thread.
 */
export interface StealTask {
  /** The unit of work (a scenario and its shard prefix) the subtree belongs to. */
  readonly unit: number;
  /** Every step from the start of the scenario to the node. */
  readonly path: readonly number[];
  readonly choices?: readonly number[];
  readonly sleep?: ReadonlyArray<readonly [number, Footprint]>;
  readonly done?: ReadonlyArray<readonly [number, Footprint]>;
  /** The run's preemptions at the node. */
  readonly preemptions?: number;
}

/** What one task did (counted as `statefulSearch` counts). */
export interface StealTaskResult {
  readonly unit: number;
  readonly executions: number;
  readonly complete: number;
  readonly redundant: number;
  readonly steps: number;
  readonly failures: number;
  readonly stateHits: number;
  readonly states: number;
  readonly failure?: ExploreFailure;
}

/** What `StealSearch.run` asks between steps: go on, give a subtree away (`donate`), or stop. */
export type StealSignal = 'go' | 'donate' | 'stop';

interface Node extends Omit<StatefulNode, 'key' | 'started' | 'lastCost' | 'firstCost'> {
  /** The node's slot in the visited set (-1: none: a unique state, or a given-away subtree's root). */
  readonly slot: number;
  /** This node is the state's first visit (it claimed the slot). */
  readonly owned: boolean;
  /** Choices from here on were given away. */
  end: number;
}

/** Steps between two looks at `signal`. */
const POLL_STEPS = 32;
/** Most threads a sleep mask holds. */
export const MAX_STEAL_THREADS = 31 - SLEEP_SHIFT;

/**
 * The stateful search without a preemption bound (`statefulSearch`: state caching with sleep sets,
 * Godefroid's combination), split so that worker threads can share it: the visited set is a
 * `SharedStateTable` of state fingerprints, and a worker asked to (`signal` says `donate`) gives
 * away the untaken choices of its shallowest node as a `StealTask` another worker resumes exactly
 * there (work stealing over subtrees, as in Holzmann's multi-core Spin and in Simsa, Bryant and
 * Gibson's scalable DPOR). It finds a failure wherever `statefulSearch` does; to stay exact when
 * the table says nothing yet of a state another worker is exploring, a hit on a state whose first
 * visit has not finished, and a node whose choices were given away, count as "may have failed":
 * the thread that led there is not put to sleep (a smaller sleep set only adds work). Which worker
 * reaches a state first depends on timing, so the executions, hits and states counted do too.
 */
export class StealSearch {
  private readonly log = new OpLog();
  private readonly runModel: AnyModel;
  private space: FingerprintSpace;
  private spaceUnit = -1;
  private generation = 0;
  private stack: Node[] = [];
  private tracker!: StateTracker;
  private atTop = false;
  private enabledBuf: number[] = [];
  private task!: StealTask;
  private scenario!: Scenario;
  private counts = { executions: 0, complete: 0, redundant: 0, steps: 0, failures: 0, stateHits: 0, states: 0 };
  private failure: ExploreFailure | undefined;
  private readonly table: VisitedStates;

  constructor(
    model: AnyModel,
    private readonly fixes: ReadonlySet<string>,
    shared: SharedStateTable,
    /** Tells this worker's fingerprints of local-only values from every other worker's. */
    private readonly worker: number,
    private readonly maxSteps?: number,
    /** End a task at its first failure (as `verify` does); false: explore it all. */
    private readonly stopAtFirst = true,
  ) {
    this.runModel = trackedModel(model, this.log);
    this.table = new VisitedStates(shared);
    this.space = new FingerprintSpace(0, -1);
  }

  /**
   * Explores one task of `scenario` (with `stopAtFirst`: up to its first failure). `signal` is read
   * every few steps, with the executions so far; on `donate` the search hands `give` a subtree (or undefined: none left), on
   * `stop` it ends the task where it is.
   */
  run(task: StealTask, scenario: Scenario, signal: (executions: number) => StealSignal, give: (t: StealTask | undefined) => void): StealTaskResult {
    if (scenario.length > MAX_STEAL_THREADS) throw new RangeError(`work stealing handles up to ${MAX_STEAL_THREADS} threads, not ${scenario.length}`);
    this.task = task;
    this.scenario = scenario;
    this.counts = { executions: 0, complete: 0, redundant: 0, steps: 0, failures: 0, stateHits: 0, states: 0 };
    this.failure = undefined;
    this.stack = [];
    this.enabledBuf = new Array<number>(scenario.length);
    if (task.unit !== this.spaceUnit) {
      // A new space per unit: its local ids (and so its salted fingerprints) mean nothing to the last one's.
      this.spaceUnit = task.unit;
      this.space = new FingerprintSpace(Math.imul(this.worker + 1, 0x01000193) ^ Math.imul(++this.generation, 0x9e3779b1), task.unit);
    }
    this.explore(signal, give);
    return { unit: task.unit, ...this.counts, ...(this.failure ? { failure: this.failure } : {}) };
  }

  private explore(signal: (executions: number) => StealSignal, give: (t: StealTask | undefined) => void): void {
    const run = this.newRun();
    this.tracker = new StateTracker(this.space, run, this.log);
    for (const tid of this.task.path) {
      if (run.outcome !== null) break;
      this.tracker.step(tid);
      this.counts.steps++;
    }
    const task = this.task;
    if (run.outcome !== null) this.endExecution(run);
    else if (task.choices === undefined) this.arrive(NO_SLEEP);
    else this.pushRoot(task);
    const stack = this.stack;
    let poll = 0;
    while (stack.length > 0 && !(this.stopAtFirst && this.failure)) {
      if (++poll === POLL_STEPS) {
        poll = 0;
        const s = signal(this.counts.executions);
        if (s === 'stop') break;
        if (s === 'donate') give(this.donate());
      }
      const top = stack[stack.length - 1] as Node;
      if (top.at >= top.end) {
        this.pop();
        continue;
      }
      const tid = top.choices[top.at++] as number;
      if (!this.atTop) this.replay();
      this.atTop = false;
      const fp = this.tracker.step(tid);
      this.counts.steps++;
      top.child = tid;
      top.childFp = fp;
      const r = this.tracker.current;
      if (r.outcome !== null) {
        this.finishChild(top, this.endExecution(r));
        continue;
      }
      const ended = this.arrive(childSleep(top, tid, fp));
      if (ended !== undefined) this.finishChild(top, ended);
    }
  }

  private newRun(): Run {
    this.log.reset();
    return new Run(this.runModel, this.fixes, this.scenario, this.maxSteps !== undefined ? { maxSteps: this.maxSteps } : {});
  }

  /** A given-away subtree's node: its choices, sleep set and finished siblings as the donor had them. */
  private pushRoot(task: StealTask): void {
    const choices = task.choices ?? [];
    this.tracker.current.preemptions = task.preemptions ?? this.tracker.current.preemptions;
    this.push(-1, false, choices, new Map(task.sleep ?? []), task.done ? [...task.done] : []);
  }

  private push(slot: number, owned: boolean, choices: readonly number[], sleep: ReadonlyMap<number, Footprint>, done: Array<readonly [number, Footprint]>): void {
    const run = this.tracker.current;
    this.stack.push({ slot, owned, choices, at: 0, end: choices.length, sleep, done, snap: choices.length > 1 ? this.tracker.snapshot() : NO_SNAPSHOT, preemptions: run.preemptions, failed: false, child: -1, childFp: [] });
    this.atTop = true;
  }

  /**
   * At a state the run has not ended in: pushes a node to explore it, or returns whether the
   * subtree that ends here (may have) failed: a state explored (or being explored) before, a
   * deadlock, every thread asleep.
   */
  private arrive(sleep: ReadonlyMap<number, Footprint>): boolean | undefined {
    const run = this.tracker.current;
    this.tracker.stateId();
    const fp = this.space.last;
    // A unique state (fingerprint 0) never matches another: explored, never stored.
    const unique = fp.hi === 0 && fp.lo === 0;
    const got = unique ? 0 : this.table.claim(fp.hi, fp.lo, CLAIMED | (maskOf(sleep) << SLEEP_SHIFT));
    if (got < 0) return this.revisit(-got - 1, sleep);
    const own = unique ? -1 : got;
    this.counts.states++;
    const enabled = this.enabledBuf;
    const count = run.enabledThreads(enabled);
    if (count === 0) {
      run.declareDeadlock();
      const failed = this.endExecution(run);
      if (own >= 0) this.table.mark(own, FINISHED | (failed ? FAILED : 0));
      return failed;
    }
    const choices: number[] = [];
    for (let i = 0; i < count; i++) {
      const t = enabled[i] as number;
      if (sleep.size === 0 || !sleep.has(t)) choices.push(t);
    }
    if (choices.length === 0) {
      this.counts.executions++;
      this.counts.redundant++;
      if (own >= 0) this.table.mark(own, FINISHED);
      return false;
    }
    this.push(own, own >= 0, choices, sleep, []);
    return undefined;
  }

  /** A state some worker claimed before: explore what slept then and is awake now (Godefroid's rule), or count a hit. */
  private revisit(slot: number, sleep: ReadonlyMap<number, Footprint>): boolean | undefined {
    const run = this.tracker.current;
    const mine = maskOf(sleep);
    for (;;) {
      const e = this.table.entry(slot);
      const stored = e >>> SLEEP_SHIFT;
      let awake = 0;
      for (let q = 0; q < this.scenario.length; q++) if ((stored & (1 << q)) !== 0 && (mine & (1 << q)) === 0 && run.isEnabled(q)) awake |= 1 << q;
      if (awake === 0) {
        this.counts.executions++;
        this.counts.stateHits++;
        return mayHaveFailed(e);
      }
      // The kept sleep set shrinks to the intersection; retry if another worker changed it meanwhile.
      if (!this.table.swap(slot, e, (e & ((1 << SLEEP_SHIFT) - 1)) | ((stored & mine) << SLEEP_SHIFT))) continue;
      const choices: number[] = [];
      for (let q = 0; q < this.scenario.length; q++) if ((awake & (1 << q)) !== 0) choices.push(q);
      this.push(slot, false, choices, sleep, []);
      return undefined;
    }
  }

  private pop(): void {
    const node = this.stack.pop() as Node;
    this.atTop = false;
    let failed = node.failed || node.end < node.choices.length;
    if (node.slot >= 0) {
      if (node.owned) this.table.mark(node.slot, FINISHED | (failed ? FAILED : 0));
      else if (failed) this.table.mark(node.slot, FAILED);
      failed ||= mayHaveFailed(this.table.entry(node.slot));
    }
    const parent = this.stack[this.stack.length - 1];
    if (parent) this.finishChild(parent, failed);
  }

  private finishChild(node: Node, failed: boolean): void {
    if (failed) node.failed = true;
    else node.done.push([node.child, node.childFp]);
  }

  /** Gives away the untaken choices of the shallowest node that has some. */
  private donate(): StealTask | undefined {
    const stack = this.stack;
    for (let i = 0; i < stack.length; i++) {
      const node = stack[i] as Node;
      if (node.at >= node.end) continue;
      const path = [...this.task.path];
      for (let k = 0; k < i; k++) path.push((stack[k] as Node).child);
      const task: StealTask = { unit: this.task.unit, path, choices: node.choices.slice(node.at, node.end), sleep: [...node.sleep], done: [...node.done], preemptions: node.preemptions };
      node.end = node.at;
      return task;
    }
    return undefined;
  }

  /** Replays a fresh run to the state of the top node (its steps were checked on the way down). */
  private replay(): void {
    const run = this.newRun();
    for (const tid of this.task.path) run.replayStep(tid);
    const stack = this.stack;
    const top = stack[stack.length - 1] as Node;
    for (let i = 0; i < stack.length - 1; i++) run.replayStep((stack[i] as Node).child);
    this.counts.steps += this.task.path.length + stack.length - 1;
    run.preemptions = top.preemptions;
    this.tracker.restore(run, top.snap);
  }

  private endExecution(run: Run): boolean {
    this.counts.executions++;
    this.counts.complete++;
    const f = failureOf(run);
    if (!f) return false;
    this.counts.failures++;
    if (!this.failure || compareFailures(f, this.failure) < 0) this.failure = f;
    return true;
  }
}

/** A state's entry says its subtree may hold a failure: it failed, or its first visit is not over. */
function mayHaveFailed(entry: number): boolean {
  return (entry & FINISHED) === 0 || (entry & FAILED) !== 0;
}

function maskOf(sleep: ReadonlyMap<number, Footprint>): number {
  let m = 0;
  sleep.forEach((_fp, q) => {
    m |= 1 << q;
  });
  return m;
}
