import { Tag } from '@kvmrace/memory/models';
import { AssertSignal, GaveUpSignal, OopsSignal, WarnSignal } from './faults.js';
import type { Cpu } from './primitives/cpus.js';
import type { Var } from './primitives/var.js';
import type { SimObject } from './sim-object.js';
import { StepCall, type Access, type Step, type StepEffect, type StepSource, type Steps } from './step.js';
import type { World } from './world.js';

/** The effect of a declared step: none (the model does it after the step). */
const NO_EFFECT: StepEffect = { stepEffect: () => undefined };

/** What a thread program gets: its identity, its variant's fixes, and the verdict helpers. */
export interface Thread<F extends string = string> {
  /** Thread id, which is also its CPU number. */
  readonly tid: number;
  /** The run's shared memory. */
  readonly world: World;
  /** This thread's CPU (interrupts, guest entry). */
  readonly cpu: Cpu;
  /** True when the fix is enabled in this run: `if (t.fixed('fault-checks-flag')) ...`. */
  fixed(fix: F): boolean;
  /** Runs `body` as the kernel function `fn`, so its steps are shown under that name. */
  within<T>(fn: string, body: Steps<T>): Steps<T>;
  /** One step that reads and writes several objects at once; do the effect after it with `.value`. */
  step(label: string, touches: { reads?: readonly SimObject[]; writes?: readonly SimObject[] }): Steps;
  /** One step, enabled only once one of `vars` changes: a spin loop that waits instead of spinning. */
  awaitChange(label: string, vars: readonly Var<unknown>[]): Steps;
  /**
   * `smp_mb()` in the kernel function `place`: the barrier toggle `place:smp_mb` (declare it in the
   * model's `barriers`). Not a step: it orders this thread's accesses under `tso`/`lkmm` and does
   * nothing under `sc`. The other barriers below work the same way.
   */
  smp_mb(place: string): void;
  /** `smp_rmb()`: the toggle `place:smp_rmb`. */
  smp_rmb(place: string): void;
  /** `smp_wmb()`: the toggle `place:smp_wmb`. */
  smp_wmb(place: string): void;
  /** `smp_mb__before_atomic()`: the toggle `place:smp_mb__before_atomic`. */
  smp_mb__before_atomic(place: string): void;
  /** `smp_mb__after_atomic()`: the toggle `place:smp_mb__after_atomic`. */
  smp_mb__after_atomic(place: string): void;
  /** `smp_mb__after_spinlock()`: the toggle `place:smp_mb__after_spinlock`. */
  smp_mb__after_spinlock(place: string): void;
  /** `smp_mb__after_srcu_read_unlock()`: the toggle `place:smp_mb__after_srcu_read_unlock`. */
  smp_mb__after_srcu_read_unlock(place: string): void;
  /** Ends the run as an `oops` (an invalid dereference, a BUG_ON). */
  oops(message: string): never;
  /** `BUG_ON(cond)`: an `oops` when `cond` holds. */
  bugOn(cond: boolean, message: string): void;
  /** `WARN_ON(cond)`: a `warn` outcome when `cond` holds. */
  warnOn(cond: boolean, message: string): void;
  /** An inline invariant: a `violation` of `name` when `cond` is false. */
  assert(cond: boolean, name: string, message?: string): asserts cond;
  /** A bounded retry loop ran out: the thread stops (never a violation by itself). */
  gaveUp(message: string): never;
}

/** The engine's implementation of `Thread`; also tracks the operation and function being run. */
export class ThreadContext implements Thread<string> {
  // Declared, then assigned in the constructor (class-field initializers run as a separate call).
  /** Thread id, which is also its CPU number. */
  declare readonly tid: number;
  /** The run's shared memory. */
  declare readonly world: World;
  /** The operation running now. */
  declare op: string;
  declare readonly cpu: Cpu;
  /** `fnStack`, made on first use (most threads never call `within`). */
  private declare stack: string[] | null;
  /** The engine's state of this thread in a run: the generator of the operation it runs. @internal */
  declare gen: Steps<unknown> | null;
  /** Which of its operations it runs (-1 before the first). @internal */
  declare opIndex: number;
  /** The step it wants to take next, or null when done. @internal */
  declare pending: Step | null;
  /** What `pending` is: 0 none (or not a step), 1 a step that is always enabled, 2 a step with an `enabled` predicate. @internal */
  declare mode: number;
  /** True when the run records a trace, the only reader of the function stack. @internal */
  declare readonly tracing: boolean;

  constructor(tid: number, world: World, tracing = true) {
    this.tid = tid;
    this.world = world;
    this.op = '';
    this.cpu = world.cpu(tid);
    this.stack = null;
    this.gen = null;
    this.opIndex = -1;
    this.pending = null;
    this.mode = 0;
    this.tracing = tracing;
  }

  /** The stack of kernel functions entered with `within`. */
  get fnStack(): string[] {
    return (this.stack ??= []);
  }

  /** The kernel function a step taken now belongs to. */
  currentFunction(): string {
    const stack = this.stack;
    return stack !== null && stack.length ? (stack[stack.length - 1] as string) : this.op;
  }

  fixed(fix: string): boolean {
    return this.world.fixes.has(fix);
  }

  within<T>(fn: string, body: Steps<T>): Steps<T> {
    // Only a trace shows the function a step runs in: an untraced run skips the wrapper, a level
    // of iterator fewer on every step of the body.
    if (!this.tracing) return body;
    return new Within<T>(this.fnStack, fn, body) as unknown as Steps<T>;
  }

  step(label: string, touches: { reads?: readonly SimObject[]; writes?: readonly SimObject[] }): Steps {
    return new StepCall<void>(label, DECLARED, 0, undefined, touches, NO_EFFECT, 0, undefined) as unknown as Steps;
  }

  *awaitChange(label: string, vars: readonly Var<unknown>[]): Steps {
    const seen = vars.map((v) => v.version);
    yield {
      label,
      accesses: vars.map((obj) => ({ obj, mode: 'read' as const })),
      enabled: () => vars.some((v, i) => v.version !== seen[i]),
    };
  }

  smp_mb(place: string): void {
    this.world.weak?.fence(Tag.F_MB, `${place}:smp_mb`);
  }

  smp_rmb(place: string): void {
    this.world.weak?.fence(Tag.F_RMB, `${place}:smp_rmb`);
  }

  smp_wmb(place: string): void {
    this.world.weak?.fence(Tag.F_WMB, `${place}:smp_wmb`);
  }

  smp_mb__before_atomic(place: string): void {
    this.world.weak?.fence(Tag.BEFORE_ATOMIC, `${place}:smp_mb__before_atomic`);
  }

  smp_mb__after_atomic(place: string): void {
    this.world.weak?.fence(Tag.AFTER_ATOMIC, `${place}:smp_mb__after_atomic`);
  }

  smp_mb__after_spinlock(place: string): void {
    this.world.weak?.fence(Tag.AFTER_SPINLOCK, `${place}:smp_mb__after_spinlock`);
  }

  smp_mb__after_srcu_read_unlock(place: string): void {
    this.world.weak?.fence(Tag.AFTER_SRCU_READ_UNLOCK, `${place}:smp_mb__after_srcu_read_unlock`);
  }

  oops(message: string): never {
    throw new OopsSignal(message);
  }

  bugOn(cond: boolean, message: string): void {
    if (cond) throw new OopsSignal(`BUG_ON: ${message}`);
  }

  warnOn(cond: boolean, message: string): void {
    if (cond) throw new WarnSignal(message);
  }

  assert(cond: boolean, name: string, message?: string): asserts cond {
    if (!cond) throw new AssertSignal(name, message ?? name);
  }

  gaveUp(message: string): never {
    throw new GaveUpSignal(message);
  }
}

/** What `t.step` declares: the objects a step reads and writes. */
interface Touches {
  readonly reads?: readonly SimObject[];
  readonly writes?: readonly SimObject[];
}

/** The source of steps declared with `t.step`: their footprint is made from the objects the first time someone asks. */
const DECLARED: StepSource = {
  stepLabel: () => undefined as unknown as string, // only for a step declared without a label
  stepAccesses(_kind: number, data: unknown): readonly Access[] {
    const touches = data as Touches;
    const out: Access[] = [];
    for (const obj of touches.reads ?? []) out.push({ obj, mode: 'read' });
    for (const obj of touches.writes ?? []) out.push({ obj, mode: 'write' });
    return out;
  },
};

/**
 * `within(fn, body)` as a bare iterator: the generator `push(fn); try { return yield* body }
 * finally { pop() }`, without a generator's cost on every step of the body.
 */
class Within<T> {
  /** 0: not started, 1: running the body, 2: done. */
  private declare state: number;
  private declare readonly stack: string[];
  private declare readonly fn: string;
  private declare readonly body: Steps<T>;

  constructor(stack: string[], fn: string, body: Steps<T>) {
    this.state = 0;
    this.stack = stack;
    this.fn = fn;
    this.body = body;
  }

  next(): IteratorResult<Step, T> {
    if (this.state === 0) {
      this.stack.push(this.fn);
      this.state = 1;
    } else if (this.state === 2) {
      return { value: undefined as T, done: true };
    }
    let r: IteratorResult<Step, T>;
    try {
      r = this.body.next();
    } catch (err) {
      this.finish();
      throw err;
    }
    if (r.done) this.finish();
    return r;
  }

  return(value: T): IteratorResult<Step, T> {
    if (this.state !== 1) {
      this.state = 2;
      return { value, done: true };
    }
    let r: IteratorResult<Step, T>;
    try {
      r = this.body.return(value);
    } catch (err) {
      this.finish();
      throw err;
    }
    if (r.done) this.finish();
    return r;
  }

  throw(err: unknown): IteratorResult<Step, T> {
    if (this.state !== 1) {
      this.state = 2;
      throw err;
    }
    let r: IteratorResult<Step, T>;
    try {
      r = this.body.throw(err);
    } catch (e) {
      this.finish();
      throw e;
    }
    if (r.done) this.finish();
    return r;
  }

  [Symbol.iterator](): this {
    return this;
  }

  private finish(): void {
    this.state = 2;
    this.stack.pop();
  }
}
