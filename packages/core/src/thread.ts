import { AssertSignal, GaveUpSignal, OopsSignal, WarnSignal } from './faults.js';
import type { Cpu } from './primitives/cpus.js';
import type { Var } from './primitives/var.js';
import type { SimObject } from './sim-object.js';
import type { Access, Steps } from './step.js';
import type { World } from './world.js';

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

  *within<T>(fn: string, body: Steps<T>): Steps<T> {
    this.fnStack.push(fn);
    try {
      return yield* body;
    } finally {
      this.fnStack.pop();
    }
  }

  *step(label: string, touches: { reads?: readonly SimObject[]; writes?: readonly SimObject[] }): Steps {
    const accesses: Access[] = [];
    for (const obj of touches.reads ?? []) accesses.push({ obj, mode: 'read' });
    for (const obj of touches.writes ?? []) accesses.push({ obj, mode: 'write' });
    yield { label, accesses };
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
