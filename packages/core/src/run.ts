import { compile, type AnyInvariant, type Compiled } from './compiled-model.js';
import { faultOutcome } from './fault-outcome.js';
import { GaveUpSignal, ModelError, ModelMisuseError } from './faults.js';
import { notAStep, notAThreadProgram } from './authoring-mistakes.js';
import { firstViolation } from './invariant-check.js';
import type { AnyModel } from './model.js';
import type { Outcome } from './outcome.js';
import type { Scenario } from './scenario.js';
import type { Strategy } from './strategies/strategy.js';
import { LazyStep, StepCall, type Step, type Steps } from './step.js';
import { ThreadContext } from './thread.js';
import type { TraceEntry } from './trace.js';
import { traceStep } from './trace-step.js';
import { activeLockWatch } from './explore/lock-order-watch.js';
import { deadlockOutcome } from './waits-for.js';
import { World } from './world.js';
import { weakMemoryFor } from './weak/weak-memory-for.js';
import type { WeakMemory } from './weak/weak-memory.js';
import type { WeakRunOptions } from './weak/weak-options.js';

/** Options of one run. */
export interface RunOptions {
  /** Record a trace of every step (slower). */
  readonly trace?: boolean;
  /** Step budget before the run ends `bound-reached`, not decided (default: the model's). */
  readonly maxSteps?: number;
  /** Explore under a weak memory model (`tso`, `lkmm`) instead of sequential consistency. */
  readonly weak?: WeakRunOptions;
}

/**
 * One execution of a scenario, advanced one step at a time by whoever picks the threads (a
 * strategy through `execute`, or an explorer directly). It checks invariants after every step
 * and ends with an outcome; it never decides the schedule itself.
 */
export class Run {
  // Fields are declared, then assigned in the constructor: class-field initializers would run as a
  // separate function on every run.
  /** The model run. */
  declare readonly model: AnyModel;
  /** The scenario run. */
  declare readonly scenario: Scenario;
  /** The run's shared memory. */
  declare readonly world: World;
  /** The model's state in this run. */
  declare readonly state: unknown;
  /** Thread ids in the order they took steps. */
  declare readonly schedule: number[];
  /** The trace, when recording. */
  declare readonly trace: TraceEntry[] | undefined;
  /** Threads whose bounded retries ran out. */
  declare readonly gaveUp: number[];
  /** Switches away from a thread that could have continued. */
  declare preemptions: number;
  /** The thread that took the last step (-1 before the first). */
  declare lastThread: number;
  /** Set when the run has ended. */
  declare outcome: Outcome | null;
  /**
   * Under a weak memory model: true when the run's execution graph became inconsistent, so that
   * no machine the model describes runs it; the run then ends at once (its outcome says so) and
   * explorers drop it.
   */
  declare pruned: boolean;
  /** The run's weak memory (its execution graph and choices), null under `sc`. */
  declare readonly weak: WeakMemory | null;
  /** Per thread: its context, which also holds its generator, operation index and pending step. */
  private declare readonly threads: ThreadContext[];
  private declare readonly budget: number;
  private declare readonly compiled: Compiled;
  private declare readonly always: readonly AnyInvariant[];
  private declare live: number;

  /** `world`, internal: a recycled world of an earlier run of `model` with as many threads (see `World.recycle`). */
  constructor(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: RunOptions = {}, world?: World) {
    this.model = model;
    this.scenario = scenario;
    this.schedule = [];
    this.gaveUp = [];
    this.preemptions = 0;
    this.lastThread = -1;
    this.outcome = null;
    if (world === undefined) world = new World(scenario.length, fixes);
    else world.recycle(fixes);
    this.world = world;
    world.lockWatch = activeLockWatch()?.watchRun(this) ?? null; // read once per run
    this.pruned = false;
    world.weak = (this as { weak: WeakMemory | null }).weak = options.weak ? weakMemoryFor(model, world, scenario.length, options.weak, options.trace === true) : null;
    this.state = model.setup(world);
    this.trace = options.trace ? [] : undefined;
    this.budget = options.maxSteps ?? model.stepBudget;
    const compiled = compile(model);
    this.compiled = compiled;
    this.always = compiled.always;
    const n = scenario.length;
    this.live = n;
    const threads = new Array<ThreadContext>(n);
    for (let tid = 0; tid < n; tid++) threads[tid] = new ThreadContext(tid, world, options.trace === true);
    this.threads = threads;
    for (let tid = 0; tid < n && this.outcome === null; tid++) this.advance(tid);
    if (this.outcome === null && this.live === 0) this.finish();
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.schedule.length;
  }

  /** How many threads the run has. */
  get threadCount(): number {
    return this.threads.length;
  }

  /** The step a thread wants to take next, or null when it is done. */
  pendingStep(tid: number): Step | null {
    return this.threads[tid]?.pending ?? null;
  }

  /** True when the thread is not done. */
  isAlive(tid: number): boolean {
    return (this.threads[tid]?.pending ?? null) !== null;
  }

  /** True when the thread can take its next step now. */
  isEnabled(tid: number): boolean {
    const t = this.threads[tid];
    if (t === undefined) return false;
    const mode = t.mode;
    return mode === 1 || (mode === 2 && (t.pending as Step).enabled!(tid));
  }

  /** Fills `out` with the enabled threads in id order and returns how many. */
  enabledThreads(out: number[]): number {
    const threads = this.threads;
    let n = 0;
    for (let tid = 0; tid < threads.length; tid++) {
      const t = threads[tid] as ThreadContext;
      const mode = t.mode;
      if (mode === 1 || (mode === 2 && (t.pending as Step).enabled!(tid))) out[n++] = tid;
    }
    return n;
  }

  /** Takes one step of `tid`, which must be enabled, and checks the invariants. */
  step(tid: number): void {
    if (this.outcome !== null) throw new Error('the run has already ended');
    const step = this.pendingStep(tid);
    if (!step || (step.enabled !== undefined && !step.enabled(tid))) throw new Error(`CPU${tid} cannot take a step now`);
    const last = this.lastThread;
    this.take(tid, step, last !== -1 && last !== tid && this.isEnabled(last));
  }

  /**
   * `step(tid)` for a driver that has just listed the enabled threads with `enabledThreads` and
   * changed nothing since: it reuses that list instead of asking every step again.
   * @internal
   */
  stepListed(tid: number, enabled: readonly number[], count: number): void {
    const last = this.lastThread;
    let listed = false;
    let lastEnabled = false;
    for (let i = 0; i < count; i++) {
      const t = enabled[i];
      if (t === tid) listed = true;
      if (t === last) lastEnabled = true;
    }
    const step = this.pendingStep(tid);
    if (!listed || this.outcome !== null || !step) {
      this.step(tid); // throws the error `step` gives
      return;
    }
    this.take(tid, step, last !== -1 && last !== tid && lastEnabled);
  }

  /**
   * Takes the step of `tid` as a replay: the same step, from the same state, as on an earlier run
   * of the same model, fixes and scenario, where `step` (or `stepListed`) took it and the run did
   * not end. It skips what that earlier step already did: the enabledness check, the invariant
   * checks and the step budget; it does not count preemptions (the caller sets `preemptions`
   * once the replay is done; a traced run takes it with `step`). Explorers that replay a prefix
   * to resume a search use it.
   * @internal
   */
  replayStep(tid: number): void {
    if (this.trace !== undefined) {
      this.step(tid); // a traced run records every step as `step` does
      return;
    }
    this.schedule.push(tid);
    this.lastThread = tid;
    this.advance(tid);
    if (this.outcome === null && this.live === 0) this.finish();
  }

  /**
   * Runs to the end under `strategy`: the loop of `execute`. Each step lists the enabled threads
   * once, asks the strategy to pick one of them and takes its step.
   * @internal
   */
  drive(strategy: Strategy): void {
    const threads = this.threads;
    const n = threads.length;
    const enabled = new Array<number>(n);
    const schedule = this.schedule;
    // Steps before `until` go to the last thread while it is enabled, without asking the strategy.
    const keeps = strategy.keepsCurrentUntil !== undefined;
    let until = 0;
    while (this.outcome === null) {
      const last = this.lastThread;
      if (schedule.length < until) {
        const t = threads[last] as ThreadContext;
        const mode = t.mode;
        if (mode === 1 || (mode === 2 && (t.pending as Step).enabled!(last))) {
          this.take(last, t.pending as Step, false);
          continue;
        }
      }
      let count = 0;
      let lastEnabled = false;
      for (let tid = 0; tid < n; tid++) {
        const t = threads[tid] as ThreadContext;
        const mode = t.mode;
        if (mode === 1 || (mode === 2 && (t.pending as Step).enabled!(tid))) {
          enabled[count++] = tid;
          if (tid === last) lastEnabled = true;
        }
      }
      if (count === 0) {
        this.declareDeadlock();
        return;
      }
      const index = schedule.length;
      const tid = strategy.pick(enabled, count, last, index);
      let listed = false;
      for (let i = 0; i < count; i++) {
        if (enabled[i] === tid) {
          listed = true;
          break;
        }
      }
      if (!listed) {
        this.step(tid); // throws the error `step` gives
        continue;
      }
      if (keeps) until = strategy.keepsCurrentUntil!(index + 1);
      this.take(tid, (threads[tid] as ThreadContext).pending as Step, last !== -1 && last !== tid && lastEnabled);
    }
  }

  private take(tid: number, step: Step, preempted: boolean): void {
    if (preempted) this.preemptions++;
    const schedule = this.schedule;
    const index = schedule.length;
    schedule.push(tid);
    this.lastThread = tid;
    const trace = this.trace;
    const weak = this.weak;
    if (weak !== null) weak.step = index;
    if (trace === undefined) {
      this.advance(tid);
    } else {
      const ctx = this.threads[tid] as ThreadContext;
      const fn = ctx.currentFunction();
      const op = ctx.op;
      this.advance(tid);
      trace.push(weak === null ? traceStep(index, tid, op, fn, step, preempted) : weak.noted(traceStep(index, tid, op, fn, step, preempted)));
    }
    if (weak !== null && !weak.checkIfChanged()) {
      this.pruned = true;
      this.end({ kind: 'ok', message: `inconsistent under ${weak.memory}: no such execution (dropped)`, step: index });
      return;
    }
    if (this.outcome !== null) return;
    if (this.live === 0) {
      this.finish();
      return;
    }
    if (this.always.length !== 0) this.checkAlways(index);
    if (this.outcome === null && index + 1 >= this.budget) {
      this.end({ kind: 'bound-reached', message: `not decided within ${this.budget} steps (bound reached: a retry loop that never exits, or a budget too small?)`, step: index });
    }
  }

  /** Ends the run as a deadlock: call when no thread is enabled but some are not done. */
  declareDeadlock(): void {
    const blocked = this.threads.map((s, tid) => tid).filter((tid) => this.isAlive(tid));
    this.end(deadlockOutcome(blocked, (tid) => this.pendingStep(tid), this.schedule.length - 1));
  }

  /** The model's description of the state now, if it has one. */
  describeState(): string | undefined {
    return this.model.describeState?.(this.state);
  }

  /**
   * Resumes a thread: runs the effect of its pending step up to its next step, going on to its
   * next operation when one ends (the thread's program is its operations in order).
   */
  private advance(tid: number): void {
    const world = this.world;
    const t = this.threads[tid] as ThreadContext;
    world.current = tid;
    try {
      let gen = t.gen;
      for (;;) {
        if (gen !== null) {
          const r = gen.next();
          if (!r.done) {
            const step = r.value;
            // A core step, or a labelled one that `yield*` started; anything else is checked.
            if (!(step instanceof LazyStep) && !(step instanceof StepCall && step.started)) {
              const mistake = notAStep(step);
              if (mistake !== undefined) throw new ModelError(`operation '${t.op}': ${mistake}`);
            }
            t.pending = step;
            t.mode = step ? (step.enabled !== undefined ? 2 : 1) : 0;
            break;
          }
        }
        gen = this.nextOperation(t);
        if (gen === null) {
          this.retire(t);
          break;
        }
      }
    } catch (err) {
      if (err instanceof ModelError) {
        world.current = -1;
        throw err;
      }
      try {
        this.retire(t);
        this.fault(tid, err);
      } finally {
        world.current = -1;
      }
      return;
    }
    world.current = -1;
  }

  /** Starts the thread's next operation; null when it has run them all. */
  private nextOperation(t: ThreadContext): Steps<unknown> | null {
    const ops = this.scenario[t.tid] as readonly string[];
    const i = t.opIndex + 1;
    t.opIndex = i;
    t.gen = null;
    if (i >= ops.length) return null;
    const op = ops[i] as string;
    t.op = op;
    const compiled = this.compiled;
    let spec = compiled.lastSpec;
    if (op !== compiled.lastOp || spec === undefined) {
      const found = compiled.ops.get(op);
      if (found === undefined) throw new ModelMisuseError(`unknown operation '${op}'`);
      spec = found;
      compiled.lastOp = op;
      compiled.lastSpec = spec;
    }
    const gen = spec.run(this.state, t);
    if (gen === null || typeof gen !== 'object' || typeof (gen as { next?: unknown }).next !== 'function' || Symbol.asyncIterator in gen) {
      throw new ModelError(`operation '${op}': ${notAThreadProgram(gen)}`);
    }
    t.gen = gen;
    return gen;
  }

  private retire(t: ThreadContext): void {
    t.pending = null;
    t.mode = 0;
    t.gen = null;
    this.live--;
    t.cpu.enableInterrupts(); // a finished thread is an idle CPU that takes IPIs
  }

  private fault(tid: number, err: unknown): void {
    if (err instanceof GaveUpSignal) {
      this.gaveUp.push(tid);
      return;
    }
    this.end(faultOutcome(err, tid, this.schedule.length - 1));
  }

  private finish(): void {
    const step = this.schedule.length - 1;
    const violated = firstViolation(this.model.invariants, this.state, step);
    this.end(violated ?? this.weak?.dataRace(step) ?? { kind: 'ok', message: 'every thread finished and every invariant holds', step });
  }

  /** The invariants checked after every step (none of them `at: 'end'`), after step `step`. */
  private checkAlways(step: number): void {
    const violated = firstViolation(this.always, this.state, step);
    if (violated !== null) this.end(violated);
  }

  private end(outcome: Outcome): void {
    if (this.outcome === null) this.outcome = outcome;
  }
}
