import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import { declaredFootprint, FootprintObserver, hasStateInvariants, footprintsConflict, writesObjectOf, type Footprint } from './footprint.js';
import { OpLog, trackedModel } from './op-log.js';
import { compareFailures, failureOf, remainingExecutions, SiblingCosts, type ExploreFailure, type ExploreResult, type ExplorerOptions } from './result.js';
import { StateSpace } from './state-space.js';
import { StateTracker } from './state-tracker.js';
import { happensBefore, type Event, type Node, type Sleeper } from './dpor-node.js';
import { CutChecker, withoutStateInvariants } from './cut-invariants.js';
import { clockWithin, insertSequence, sleeperCovers, type SequenceStep, type WakeupNode } from './dpor-wakeup-tree.js';
import { RaceReplay } from './dpor-reverse.js';

/**
 * One source-DPOR search of a scenario's interleavings, with a fixed set of objects the state
 * invariants read (see `dpor` for the algorithm and where it differs from the paper).
 */
export class Dpor {
  private readonly n: number;
  private readonly nodes: Node[] = [];
  private readonly events: Event[] = [];
  private readonly observer: FootprintObserver;
  private readonly enabledBuf: number[];
  private executions = 0;
  private complete = 0;
  private redundant = 0;
  private steps = 0;
  private failures = 0;
  private failure: ExploreFailure | undefined;
  private run!: Run;
  /** With `countStates`: state identities, and how many new states an earlier one had reached. */
  private readonly states: { space: StateSpace; log: OpLog; model: AnyModel; seen: Set<number>; tracker?: StateTracker } | undefined;
  private stateHits = 0;
  private readonly siblings = new SiblingCosts();
  /** The model the runs take: without its state invariants, which `cuts` checks. */
  private readonly runModel: AnyModel;
  /** Checks the state invariants at every state of every trace (see `cut-invariants.ts`). */
  private readonly cuts: CutChecker | undefined;
  /** Decides the races that need a run to (see `dpor-reverse.ts`). */
  private readonly replay: RaceReplay;

  constructor(
    private readonly model: AnyModel,
    private readonly fixes: ReadonlySet<string>,
    private readonly scenario: Scenario,
    private readonly options: ExplorerOptions,
    /** Objects the state invariants read (see `CutChecker`), when the model has some. */
    visible?: Set<number>,
  ) {
    this.n = scenario.length;
    this.observer = new FootprintObserver();
    // Stryker disable next-line ArrayDeclaration: a buffer that enabledThreads fills; an empty array grows just the same
    this.enabledBuf = new Array<number>(this.n);
    const always = hasStateInvariants(model);
    this.runModel = always ? withoutStateInvariants(model) : model;
    this.cuts = always ? new CutChecker(model, fixes, scenario, options.maxSteps, visible ?? new Set()) : undefined;
    this.replay = new RaceReplay(this.runModel, fixes, scenario, options.maxSteps);
    if (options.countStates) {
      const log = new OpLog();
      this.states = { space: new StateSpace(), log, model: trackedModel(this.runModel, log), seen: new Set() };
    }
  }

  explore(): ExploreResult {
    const stopAtFirst = this.options.stopAtFirst ?? true;
    this.run = this.newRun();
    let sleep = new Map<number, Sleeper>();
    for (const tid of this.options.prefix ?? []) {
      if (this.run.outcome !== null) break;
      const node = this.makeNode(sleep, true);
      node.chosen = tid;
      node.chosenFp = this.stepEvent(tid);
      sleep = new Map();
    }
    const prefix = this.events.length;
    if (this.cuts && prefix > 0 && this.cuts.checkPrefix(this.options.prefix ?? [], (f, run) => this.addFailure(f, run)) && stopAtFirst) return this.result();
    this.extend(sleep, []);
    const cap = this.options.maxExecutions ?? Number.POSITIVE_INFINITY;
    while (!(stopAtFirst && this.failure) && !this.cuts?.grew) {
      if (this.executions >= cap) return { ...this.result(), estimated: this.executions + this.remaining() };
      const k = this.nextBranch();
      if (k < 0) break;
      this.replayTo(k);
      const node = this.nodes[k] as Node;
      node.chosenFp = this.stepEvent(node.chosen);
      this.extend(this.childSleep(node), node.guide);
    }
    return this.result();
  }

  /** The executions left, estimated from the branches known at each state (see `remainingExecutions`). */
  private remaining(): number {
    const levels = this.nodes.filter((n) => !n.frozen && n.chosen >= 0).map((n) => {
      let unstarted = 0;
      for (const c of n.wut) if (!n.done.has(c.tid) && !n.sleep.has(c.tid)) unstarted++;
      return { started: n.started, lastCost: n.lastCost, unstarted };
    });
    return remainingExecutions(levels, this.executions, this.siblings.ratio);
  }

  private result(): ExploreResult {
    return {
      executions: this.executions,
      complete: this.complete,
      redundant: this.redundant,
      steps: this.steps + (this.cuts?.steps ?? 0),
      failures: this.failures,
      ...(this.cuts?.grew ? { restart: true } : {}),
      ...(this.failure ? { failure: this.failure } : {}),
      ...(this.states ? { stateHits: this.stateHits } : {}),
    };
  }

  private newRun(): Run {
    const states = this.states;
    states?.log.reset();
    const run = new Run(states ? states.model : this.runModel, this.fixes, this.scenario, this.options.maxSteps !== undefined ? { maxSteps: this.options.maxSteps } : {});
    this.cuts?.begin(run);
    if (states && !states.tracker) states.tracker = new StateTracker(states.space, run, states.log);
    return run;
  }

  /**
   * Runs the current execution to its end, following the wakeup tree `guide` while it lasts, then
   * choosing the lowest awake enabled thread each time.
   */
  private extend(sleep: Map<number, Sleeper>, guide: WakeupNode[]): void {
    const run = this.run;
    for (;;) {
      if (run.outcome !== null) return this.endExecution();
      const node = this.makeNode(sleep, false, guide);
      for (let tid = 0; tid < this.n; tid++) {
        if (run.isAlive(tid) && !node.enabled.includes(tid)) this.pendingRaces(tid);
      }
      if (node.enabled.length === 0) {
        run.declareDeadlock();
        return this.endExecution();
      }
      let p: number | undefined;
      guide = [];
      // The leftmost branch of the tree; one whose step is not enabled here (a blocking step the
      // race predicted to run) is dropped, and the search goes on as source-DPOR would.
      while (node.wut.length > 0 && p === undefined) {
        const c = node.wut.shift() as WakeupNode;
        if (node.enabled.includes(c.tid) && !sleep.has(c.tid)) {
          p = c.tid;
          guide = c.children;
        }
      }
      p ??= node.enabled.find((t) => !sleep.has(t));
      // Only deferred cutting steps left: take one (it ends the run; see `dpor`'s header).
      if (p === undefined && node.enabled.every((t) => (sleep.get(t) as Sleeper).cut)) p = node.enabled[0];
      if (p === undefined) {
        this.executions++;
        this.redundant++;
        return;
      }
      node.chosen = p;
      node.chosenFp = this.stepEvent(p);
      sleep = this.childSleep(node);
    }
  }

  private makeNode(sleep: Map<number, Sleeper>, frozen: boolean, wut: WakeupNode[] = []): Node {
    const count = this.run.enabledThreads(this.enabledBuf);
    // Stryker disable next-line UnaryOperator: a state whose `chosen` is never set (deadlock, all asleep) has no backtrack point and is popped unread
    const node: Node = { enabled: this.enabledBuf.slice(0, count), wut, guide: [], done: new Set(), sleep, frozen, chosen: -1, chosenFp: null, cut: false, started: this.executions, lastCost: -1, firstCost: -1 };
    if (this.states?.tracker) node.snap = this.states.tracker.snapshot();
    this.nodes.push(node);
    return node;
  }

  private endExecution(): void {
    const run = this.run;
    this.executions++;
    this.complete++;
    // A run cut short (a violation, an oops, the step budget) ends in a state with no way out: the
    // step that got there disabled every live thread's pending step, so it is dependent with each
    // (a transition that disables another depends on it), and those steps race with it as if they
    // ran next. Their later steps show up in the executions that reverse these races. A deadlock
    // disables nothing: only the blocked steps' own races count.
    // Stryker disable next-line OptionalChaining: an ended run always has an outcome
    const cut = run.outcome?.kind !== 'deadlock' && this.events.length > 0 ? this.events.length - 1 : -1;
    for (let tid = 0; tid < this.n; tid++) {
      if (!run.isAlive(tid)) continue;
      this.pendingRaces(tid, cut);
      if (cut >= 0) (this.nodes[cut] as Node).cut = true;
    }
    this.options.onExecution?.(run);
    const f = failureOf(run);
    if (f) this.countFailure(f);
    if (this.cuts) {
      // A step that faulted ends the run: no state after it is checked, as in a plain run.
      const last = this.events.length - 1;
      const exclude = run.outcome?.thread !== undefined && last >= 0 ? last : -1;
      const base = Math.min(this.options.prefix?.length ?? 0, this.events.length);
      this.cuts.check(this.events, base, exclude, this.options.stopAtFirst ?? true, (g, r) => this.addFailure(g, r));
    }
  }

  private countFailure(f: ExploreFailure): void {
    this.failures++;
    if (!this.failure || compareFailures(f, this.failure) < 0) this.failure = f;
  }

  /** A failure the state-invariant check found, with its run. */
  private addFailure(f: ExploreFailure, run: Run): void {
    this.options.onExecution?.(run);
    this.countFailure(f);
  }

  /** Pops finished states; returns the index of the state to branch from (its `chosen` set), or -1. */
  private nextBranch(): number {
    const nodes = this.nodes;
    while (nodes.length > 0) {
      const k = nodes.length - 1;
      const node = nodes[k] as Node;
      if (node.frozen) return -1;
      if (node.chosen >= 0) {
        node.lastCost = this.executions - node.started;
        this.siblings.add(node.firstCost, node.lastCost);
        if (node.firstCost < 0) node.firstCost = node.lastCost;
        node.done.add(node.chosen);
        node.sleep.set(node.chosen, { fp: node.chosenFp as Footprint, cut: node.cut });
        node.cut = false;
      }
      while (node.wut.length > 0) {
        const c = node.wut.shift() as WakeupNode;
        if (!node.enabled.includes(c.tid) || node.done.has(c.tid) || node.sleep.has(c.tid)) continue;
        node.chosen = c.tid;
        node.guide = c.children;
        node.started = this.executions;
        return k;
      }
      nodes.pop();
    }
    return -1;
  }

  /** Starts a fresh run and replays the current path up to state `k`. */
  private replayTo(k: number): void {
    this.run = this.newRun();
    for (let i = 0; i < k; i++) {
      this.run.step((this.nodes[i] as Node).chosen);
      this.steps++;
    }
    this.events.length = k;
    this.nodes.length = k + 1;
    const snap = (this.nodes[k] as Node).snap;
    // Stryker disable next-line LogicalOperator: with countStates there is a tracker and every state has a snapshot; without, neither
    if (this.states?.tracker && snap) this.states.tracker.restore(this.run, snap);
  }

  /** The sleep set after `node.chosen`: sleepers (and finished siblings) independent of it. */
  private childSleep(node: Node): Map<number, Sleeper> {
    const fp = node.chosenFp as Footprint;
    const out = new Map<number, Sleeper>();
    for (const [q, s] of node.sleep) if (q !== node.chosen && !footprintsConflict(s.fp, fp)) out.set(q, s);
    return out;
  }

  /** Takes the step, records it as an event and adds backtrack points for its races. */
  private stepEvent(tid: number): Footprint {
    const tracker = this.states?.tracker;
    tracker?.before(tid);
    const blocks = this.run.pendingStep(tid)?.enabled !== undefined;
    const fp = this.observer.step(this.run, tid);
    // Stryker disable next-line LogicalOperator: the tracker exists exactly when states are counted
    if (tracker && this.states) {
      tracker.after();
      if (this.run.outcome === null) {
        const key = tracker.stateId();
        if (this.states.seen.has(key)) this.stateHits++;
        else this.states.seen.add(key);
      }
    }
    this.steps++;
    this.cuts?.record(this.run, this.events.length, fp);
    this.events.push(this.detectRaces(tid, fp, blocks, true) as Event);
    return fp;
  }

  /** Races of the pending step of `tid`, as if it ran now; it also conflicts with event `disabledBy` if given. */
  private pendingRaces(tid: number, disabledBy = -1): void {
    const step = this.run.pendingStep(tid);
    if (!step) return;
    // A step already blocked was not disabled by the cut: only what blocks it orders it.
    const blocked = !this.run.isEnabled(tid);
    this.detectRaces(tid, declaredFootprint(step), step.enabled !== undefined, false, blocked ? -1 : disabledBy, blocked);
  }

  /**
   * Computes the vector clock of an event of `tid` with footprint `fp` at the end of the current
   * execution, and for every earlier event it races with (dependent, another thread, and not
   * happening before it through a third event) adds a backtrack point. `blocked`: a pending step
   * that cannot run now; `blocks`: the step has an `enabled` test.
   */
  private detectRaces(tid: number, fp: Footprint, blocks: boolean, build: boolean, conflictsWith = -1, blocked = false): Event | undefined {
    const events = this.events;
    const k = events.length;
    const n = this.n;
    let prev = -1;
    for (let i = k - 1; i >= 0; i--) {
      if ((events[i] as Event).tid === tid) {
        prev = i;
        break;
      }
    }
    const vc = prev >= 0 ? Int32Array.from((events[prev] as Event).vc) : new Int32Array(n);
    const candidates: number[] = [];
    for (let i = 0; i < k; i++) {
      const e = events[i] as Event;
      if (e.tid === tid || !(i === conflictsWith || footprintsConflict(e.fp, fp))) continue;
      for (let t = 0; t < n; t++) if ((e.vc[t] as number) > (vc[t] as number)) vc[t] = e.vc[t] as number;
      // A blocked step's `enabled` reads only its thread and the objects it touches. If e_i writes
      // none of them, they hold in pre(e_i).notdep(e_i) what they hold now (a later write of one
      // conflicts with this step: happening after e_i it makes e_i no immediate race, otherwise
      // it is in notdep(e_i)), so the step is still blocked there: the race is not reversible, and
      // Abdulla et al. reverse only reversible races. Mostly a dependence through `VISIBLE_ID`: an
      // acquisition and a visible store made under the lock it waits for. Leaving e_i out of the
      // candidates lets an earlier writer it hid be an immediate race: that only adds backtracking.
      if (blocked && !writesObjectOf(e.fp, fp)) continue;
      candidates.push(i);
    }
    const local = prev >= 0 ? (events[prev] as Event).local + 1 : 0;
    vc[tid] = local + 1;
    for (let c = 0; c < candidates.length; c++) {
      const i = candidates[c] as number;
      const ei = events[i] as Event;
      if (prev > i && happensBefore(ei, events[prev] as Event)) continue;
      let immediate = true;
      for (let d = c + 1; d < candidates.length && immediate; d++) {
        if (happensBefore(ei, events[candidates[d] as number] as Event)) immediate = false;
      }
      if (immediate) this.addBacktrack(i, tid, vc, fp, build, blocks, conflictsWith);
    }
    if (!build) return undefined;
    const counts = k > 0 ? Int32Array.from((events[k - 1] as Event).counts) : new Int32Array(n);
    counts[tid] = (counts[tid] as number) + 1;
    return { tid, local, vc, counts, fp, blocks };
  }

  /**
   * For the race of event `i` with a later step of `tid` (clock `vc`, footprint `fp`, `observed`
   * when it ran rather than only pending): inserts `v = notdep(e_i).e'` into the wakeup tree of
   * the state before `e_i`, unless a weak initial of `v` sleeps there (an explored or covered
   * order already starts like `v`). `v` is every later event not happening after `e_i`, in
   * execution order, then `e'`.
   */
  private addBacktrack(i: number, tid: number, vc: Int32Array, fp: Footprint, observed: boolean, blocks: boolean, conflictsWith: number): void {
    const node = this.nodes[i] as Node;
    if (node.frozen) return;
    const events = this.events;
    const ei = events[i] as Event;
    const v: SequenceStep[] = [];
    let cut = -1;
    for (let m = i + 1; m < events.length; m++) {
      const em = events[m] as Event;
      if (happensBefore(ei, em)) continue;
      if (m === conflictsWith) cut = v.length;
      v.push({ tid: em.tid, local: em.local, vc: em.vc, fp: em.fp, observed: true });
    }
    const local = (vc[tid] as number) - 1;
    v.push({ tid, local, vc: clockWithin(v, this.n, tid, local, fp, cut), fp, observed });
    const known = blocks ? RaceReplay.knownReversible(ei.fp, v, node.enabled) : true;
    if (known === false || sleeperCovers(node.sleep, v)) return;
    // A pending e' has only its declared footprint: when that says a sleeper commutes with all of
    // v, take e' in a run to see what it really touches (else the branch could end all asleep).
    if (known === undefined || (!observed && sleeperCovers(node.sleep, v, true))) {
      const seen = this.replay.lastStep(this.pathTo(i), v);
      if (seen === null) return;
      if (seen !== undefined) v[v.length - 1] = { tid, local, vc: clockWithin(v, this.n, tid, local, seen, cut), fp: seen, observed: true };
      if (seen !== undefined && sleeperCovers(node.sleep, v)) return;
    }
    const first = (v[0] as SequenceStep).tid;
    if (node.enabled.includes(first)) {
      insertSequence(node.wut, v);
      return;
    }
    // v's first event ran right after its past, all before e_i, so it is enabled here unless a
    // footprint missed an access: Flanagan and Godefroid's conservative fallback, every thread.
    for (const t of node.enabled) {
      if (t !== node.chosen && !node.done.has(t) && !node.sleep.has(t) && !node.wut.some((c) => c.tid === t)) node.wut.push({ tid: t, fp: [], observed: false, children: [] });
    }
  }

  /** The schedule of the current execution up to state `i`. */
  private pathTo(i: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < i; k++) out.push((this.nodes[k] as Node).chosen);
    return out;
  }
}
