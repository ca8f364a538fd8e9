import { AssertSignal, GaveUpSignal, ModelMisuseError, OopsSignal, WarnSignal } from './faults.js';
import type { AnyModel } from './model.js';
import type { Outcome } from './outcome.js';
import type { Scenario } from './scenario.js';
import type { Step, Steps } from './step.js';
import { ThreadContext } from './thread.js';
import type { TraceEntry, TracedAccess } from './trace.js';
import { findWaitsForCycle } from './waits-for.js';
import { World } from './world.js';

/** Options of one run. */
export interface RunOptions {
  /** Record a trace of every step (slower). */
  readonly trace?: boolean;
  /** Step budget before the run is a livelock (default: the model's). */
  readonly maxSteps?: number;
}

/**
 * One execution of a scenario, advanced one step at a time by whoever picks the threads (a
 * strategy through `execute`, or an explorer directly). It checks invariants after every step
 * and ends with an outcome; it never decides the schedule itself.
 */
export class Run {
  /** The run's shared memory. */
  readonly world: World;
  /** The model's state in this run. */
  readonly state: unknown;
  /** Thread ids in the order they took steps. */
  readonly schedule: number[] = [];
  /** The trace, when recording. */
  readonly trace: TraceEntry[] | undefined;
  /** Threads whose bounded retries ran out. */
  readonly gaveUp: number[] = [];
  /** Switches away from a thread that could have continued. */
  preemptions = 0;
  /** The thread that took the last step (-1 before the first). */
  lastThread = -1;
  /** Set when the run has ended. */
  outcome: Outcome | null = null;
  /** Per thread: its context, the generator of the operation it runs, which operation that is, and its pending step. */
  private readonly ctxs: ThreadContext[];
  private readonly gens: Array<Steps | null>;
  private readonly opIndex: number[];
  private readonly pending: Array<Step | null>;
  private readonly budget: number;
  private readonly compiled: Compiled;
  private readonly always: readonly AnyInvariant[];
  private live: number;

  constructor(
    readonly model: AnyModel,
    fixes: ReadonlySet<string>,
    readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    this.world = new World(scenario.length, fixes);
    this.state = model.setup(this.world);
    this.trace = options.trace ? [] : undefined;
    this.budget = options.maxSteps ?? model.stepBudget;
    this.compiled = compile(model);
    this.always = this.compiled.always;
    const n = scenario.length;
    this.live = n;
    this.ctxs = new Array<ThreadContext>(n);
    this.gens = new Array<Steps | null>(n).fill(null);
    this.opIndex = new Array<number>(n).fill(-1);
    this.pending = new Array<Step | null>(n).fill(null);
    for (let tid = 0; tid < n; tid++) this.ctxs[tid] = new ThreadContext(tid, this.world);
    for (let tid = 0; tid < scenario.length && this.outcome === null; tid++) this.advance(tid);
    if (this.outcome === null && this.live === 0) this.finish();
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.schedule.length;
  }

  /** How many threads the run has. */
  get threadCount(): number {
    return this.pending.length;
  }

  /** The step a thread wants to take next, or null when it is done. */
  pendingStep(tid: number): Step | null {
    return this.pending[tid] ?? null;
  }

  /** True when the thread is not done. */
  isAlive(tid: number): boolean {
    return (this.pending[tid] ?? null) !== null;
  }

  /** True when the thread can take its next step now. */
  isEnabled(tid: number): boolean {
    const step = this.pending[tid];
    if (!step) return false;
    return step.enabled === undefined || step.enabled(tid);
  }

  /** Fills `out` with the enabled threads in id order and returns how many. */
  enabledThreads(out: number[]): number {
    const pending = this.pending;
    let n = 0;
    for (let tid = 0; tid < pending.length; tid++) {
      const step = pending[tid];
      if (step && (step.enabled === undefined || step.enabled(tid))) out[n++] = tid;
    }
    return n;
  }

  /** Takes one step of `tid`, which must be enabled, and checks the invariants. */
  step(tid: number): void {
    if (this.outcome !== null) throw new Error('the run has already ended');
    const step = this.pending[tid];
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
    const step = this.pending[tid];
    if (!listed || this.outcome !== null || !step) {
      this.step(tid); // throws the error `step` gives
      return;
    }
    this.take(tid, step, last !== -1 && last !== tid && lastEnabled);
  }

  private take(tid: number, step: Step, preempted: boolean): void {
    if (preempted) this.preemptions++;
    const index = this.schedule.length;
    this.schedule.push(tid);
    this.lastThread = tid;
    const trace = this.trace;
    if (trace === undefined) {
      this.advance(tid);
    } else {
      const ctx = this.ctxs[tid] as ThreadContext;
      const fn = ctx.currentFunction();
      const op = ctx.op;
      this.advance(tid);
      trace.push(traced(index, tid, op, fn, step, preempted));
    }
    if (this.outcome !== null) return;
    if (this.live === 0) {
      this.finish();
      return;
    }
    if (this.always.length !== 0) this.checkInvariants(index, false);
    if (this.outcome === null && this.schedule.length >= this.budget) {
      this.end({ kind: 'livelock', message: `no end after ${this.budget} steps (a retry loop that never exits?)`, step: index });
    }
  }

  /** Ends the run as a deadlock: call when no thread is enabled but some are not done. */
  declareDeadlock(): void {
    const blocked = this.pending.map((s, tid) => tid).filter((tid) => this.isAlive(tid));
    const waits = (tid: number): readonly number[] => {
      const step = this.pending[tid];
      return step?.waitsFor ? step.waitsFor(tid) : [];
    };
    const cycle = findWaitsForCycle(blocked, waits);
    const what = blocked.map((tid) => `CPU${tid} at ${this.pending[tid]?.label ?? '?'}`).join('; ');
    this.end({
      kind: 'deadlock',
      message: cycle ? `waits-for cycle ${cycle.map((t) => `CPU${t}`).join(' -> ')}: ${what}` : `no thread can step: ${what}`,
      step: this.schedule.length - 1,
      ...(cycle ? { cycle } : {}),
    });
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
    world.current = tid;
    try {
      let gen = this.gens[tid] as Steps | null;
      for (;;) {
        if (gen !== null) {
          const r = gen.next();
          if (!r.done) {
            this.pending[tid] = r.value;
            return;
          }
        }
        gen = this.nextOperation(tid);
        if (gen === null) {
          this.retire(tid);
          return;
        }
      }
    } catch (err) {
      this.retire(tid);
      this.fault(tid, err);
    } finally {
      world.current = -1;
    }
  }

  /** Starts the thread's next operation; null when it has run them all. */
  private nextOperation(tid: number): Steps | null {
    const ops = this.scenario[tid] as readonly string[];
    const i = (this.opIndex[tid] as number) + 1;
    this.opIndex[tid] = i;
    if (i >= ops.length) {
      this.gens[tid] = null;
      return null;
    }
    const op = ops[i] as string;
    const ctx = this.ctxs[tid] as ThreadContext;
    ctx.op = op;
    const run = this.compiled.ops.get(op);
    this.gens[tid] = null;
    if (run === undefined) throw new ModelMisuseError(`unknown operation '${op}'`);
    const gen = run(this.state, ctx);
    this.gens[tid] = gen;
    return gen;
  }

  private retire(tid: number): void {
    this.pending[tid] = null;
    this.gens[tid] = null;
    this.live--;
    (this.ctxs[tid] as ThreadContext).cpu.enableInterrupts(); // a finished thread is an idle CPU that takes IPIs
  }

  private fault(tid: number, err: unknown): void {
    const step = this.schedule.length - 1;
    if (err instanceof GaveUpSignal) {
      this.gaveUp.push(tid);
      return;
    }
    if (err instanceof OopsSignal) this.end({ kind: 'oops', message: err.message, step, thread: tid });
    else if (err instanceof WarnSignal) this.end({ kind: 'warn', message: `WARN_ON: ${err.message}`, step, thread: tid });
    else if (err instanceof AssertSignal) this.end({ kind: 'violation', invariant: err.invariant, message: err.message, step, thread: tid });
    else if (err instanceof ModelMisuseError) this.end({ kind: 'oops', message: `model misuse: ${err.message}`, step, thread: tid });
    else {
      const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      this.end({ kind: 'oops', message: `CPU${tid} threw ${text}`, step, thread: tid });
    }
  }

  private finish(): void {
    this.checkInvariants(this.schedule.length - 1, true);
    if (this.outcome === null) this.end({ kind: 'ok', message: 'every thread finished and every invariant holds', step: this.schedule.length - 1 });
  }

  private checkInvariants(step: number, atEnd: boolean): void {
    const state = this.state;
    const list = atEnd ? this.model.invariants : this.always;
    for (let i = 0; i < list.length; i++) {
      const inv = list[i] as AnyInvariant;
      if (inv.at === 'end' && !atEnd) continue;
      if (inv.when && !inv.when(state)) continue;
      let result: boolean | string;
      try {
        result = inv.check(state);
      } catch (err) {
        result = `the check threw ${err instanceof Error ? err.message : String(err)}`;
      }
      if (result !== true) {
        this.end({ kind: 'violation', invariant: inv.name, message: result === false ? inv.description : result, step });
        return;
      }
    }
  }

  private end(outcome: Outcome): void {
    if (this.outcome === null) this.outcome = outcome;
  }
}

type AnyInvariant = AnyModel['invariants'][number];

/** What a run needs of its model, worked out once per model. */
interface Compiled {
  /** The invariants checked after every step (not only at the end). */
  readonly always: readonly AnyInvariant[];
  /** Each operation's thread program. */
  readonly ops: ReadonlyMap<string, AnyModel['operations'][string]['run']>;
}

const compiledModels = new WeakMap<AnyModel, Compiled>();

function compile(model: AnyModel): Compiled {
  let c = compiledModels.get(model);
  if (c === undefined) {
    const ops = new Map<string, AnyModel['operations'][string]['run']>();
    for (const name of Object.keys(model.operations)) {
      const spec = model.operations[name];
      if (spec && typeof spec.run === 'function') ops.set(name, spec.run.bind(spec));
    }
    c = { always: model.invariants.filter((inv) => inv.at !== 'end'), ops };
    compiledModels.set(model, c);
  }
  return c;
}

function traced(index: number, thread: number, operation: string, fn: string, step: Step, preempted: boolean): TraceEntry {
  const accesses: TracedAccess[] = step.accesses.map((a) => ({ name: a.obj.name, kind: a.obj.kind, mode: a.mode, value: a.obj.describe() }));
  return { index, thread, operation, fn, label: step.label, accesses, preempted };
}
