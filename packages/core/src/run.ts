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

interface Slot {
  readonly ctx: ThreadContext;
  readonly gen: Steps;
  /** The step the thread wants to take next; null once it is done. */
  pending: Step | null;
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
  private readonly slots: Slot[] = [];
  private readonly budget: number;
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
    this.live = scenario.length;
    for (let tid = 0; tid < scenario.length; tid++) {
      const ctx = new ThreadContext(tid, this.world);
      this.slots.push({ ctx, gen: program(model, this.state, ctx, scenario[tid] as readonly string[]), pending: null });
    }
    for (let tid = 0; tid < scenario.length && this.outcome === null; tid++) this.advance(tid);
    if (this.outcome === null && this.live === 0) this.finish();
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.schedule.length;
  }

  /** How many threads the run has. */
  get threadCount(): number {
    return this.slots.length;
  }

  /** The step a thread wants to take next, or null when it is done. */
  pendingStep(tid: number): Step | null {
    return this.slots[tid]?.pending ?? null;
  }

  /** True when the thread is not done. */
  isAlive(tid: number): boolean {
    return (this.slots[tid]?.pending ?? null) !== null;
  }

  /** True when the thread can take its next step now. */
  isEnabled(tid: number): boolean {
    const step = this.slots[tid]?.pending;
    if (!step) return false;
    return step.enabled === undefined || step.enabled(tid);
  }

  /** Fills `out` with the enabled threads in id order and returns how many. */
  enabledThreads(out: number[]): number {
    let n = 0;
    for (let tid = 0; tid < this.slots.length; tid++) {
      if (this.isEnabled(tid)) out[n++] = tid;
    }
    return n;
  }

  /** Takes one step of `tid`, which must be enabled, and checks the invariants. */
  step(tid: number): void {
    if (this.outcome !== null) throw new Error('the run has already ended');
    if (!this.isEnabled(tid)) throw new Error(`CPU${tid} cannot take a step now`);
    const slot = this.slots[tid] as Slot;
    const step = slot.pending as Step;
    const preempted = this.lastThread !== -1 && this.lastThread !== tid && this.isEnabled(this.lastThread);
    if (preempted) this.preemptions++;
    const index = this.schedule.length;
    this.schedule.push(tid);
    this.lastThread = tid;
    const fn = this.trace ? slot.ctx.currentFunction() : '';
    const op = slot.ctx.op;
    this.advance(tid);
    if (this.trace) this.trace.push(traced(index, tid, op, fn, step, preempted));
    if (this.outcome !== null) return;
    if (this.live === 0) {
      this.finish();
      return;
    }
    this.checkInvariants(index, false);
    if (this.outcome === null && this.schedule.length >= this.budget) {
      this.end({ kind: 'livelock', message: `no end after ${this.budget} steps (a retry loop that never exits?)`, step: index });
    }
  }

  /** Ends the run as a deadlock: call when no thread is enabled but some are not done. */
  declareDeadlock(): void {
    const blocked = this.slots.map((s, tid) => tid).filter((tid) => this.isAlive(tid));
    const waits = (tid: number): readonly number[] => {
      const step = this.slots[tid]?.pending;
      return step?.waitsFor ? step.waitsFor(tid) : [];
    };
    const cycle = findWaitsForCycle(blocked, waits);
    const what = blocked.map((tid) => `CPU${tid} at ${this.slots[tid]?.pending?.label ?? '?'}`).join('; ');
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

  /** Resumes a thread: runs the effect of its pending step up to its next step. */
  private advance(tid: number): void {
    const slot = this.slots[tid] as Slot;
    this.world.current = tid;
    try {
      const r = slot.gen.next();
      if (r.done) this.retire(slot);
      else slot.pending = r.value;
    } catch (err) {
      this.retire(slot);
      this.fault(tid, err);
    } finally {
      this.world.current = -1;
    }
  }

  private retire(slot: Slot): void {
    slot.pending = null;
    this.live--;
    slot.ctx.cpu.enableInterrupts(); // a finished thread is an idle CPU that takes IPIs
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
    for (const inv of this.model.invariants) {
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

function* program(model: AnyModel, state: unknown, ctx: ThreadContext, ops: readonly string[]): Steps {
  for (const op of ops) {
    ctx.op = op;
    const spec = model.operations[op];
    if (!spec) throw new ModelMisuseError(`unknown operation '${op}'`);
    yield* spec.run(state, ctx);
  }
}

function traced(index: number, thread: number, operation: string, fn: string, step: Step, preempted: boolean): TraceEntry {
  const accesses: TracedAccess[] = step.accesses.map((a) => ({ name: a.obj.name, kind: a.obj.kind, mode: a.mode, value: a.obj.describe() }));
  return { index, thread, operation, fn, label: step.label, accesses, preempted };
}
