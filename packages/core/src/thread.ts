import { AssertSignal, GaveUpSignal, OopsSignal, WarnSignal } from './faults.js';
import type { Cpu } from './primitives/cpus.js';
import type { Var } from './primitives/var.js';
import type { SimObject } from './sim-object.js';
import { oneStep, yieldOf, type Access, type Step, type StepEffect, type Steps } from './step.js';
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
  /** The operation running now. */
  op = '';
  /** The stack of kernel functions entered with `within`. */
  readonly fnStack: string[] = [];
  readonly cpu: Cpu;

  constructor(
    readonly tid: number,
    readonly world: World,
  ) {
    this.cpu = world.cpu(tid);
  }

  /** The kernel function a step taken now belongs to. */
  currentFunction(): string {
    return this.fnStack.length ? (this.fnStack[this.fnStack.length - 1] as string) : this.op;
  }

  fixed(fix: string): boolean {
    return this.world.fixes.has(fix);
  }

  within<T>(fn: string, body: Steps<T>): Steps<T> {
    return new Within<T>(this.fnStack, fn, body) as unknown as Steps<T>;
  }

  step(label: string, touches: { reads?: readonly SimObject[]; writes?: readonly SimObject[] }): Steps {
    const accesses: Access[] = [];
    for (const obj of touches.reads ?? []) accesses.push({ obj, mode: 'read' });
    for (const obj of touches.writes ?? []) accesses.push({ obj, mode: 'write' });
    return oneStep<void>(yieldOf({ label, accesses }), NO_EFFECT, 0);
  }

  *awaitChange(label: string, vars: readonly Var<unknown>[]): Steps {
    const seen = vars.map((v) => v.version);
    yield {
      label,
      accesses: vars.map((obj) => ({ obj, mode: 'read' as const })),
      enabled: () => vars.some((v, i) => v.version !== seen[i]),
    };
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

/**
 * `within(fn, body)` as a bare iterator: the generator `push(fn); try { return yield* body }
 * finally { pop() }`, without a generator's cost on every step of the body.
 */
class Within<T> {
  /** 0: not started, 1: running the body, 2: done. */
  private state = 0;

  constructor(
    private readonly stack: string[],
    private readonly fn: string,
    private readonly body: Steps<T>,
  ) {}

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
