import type { SimObject } from './sim-object.js';

/** How a step touches a shared object. Two steps conflict when they touch one object and one writes. */
export type AccessMode = 'read' | 'write';

/** One entry of a step's footprint. */
export interface Access {
  /** The shared object touched. */
  readonly obj: SimObject;
  /** Whether the step only reads it or may change it (lock operations count as writes). */
  readonly mode: AccessMode;
}

/**
 * One atomic action of one thread and one scheduling point. A thread yields the step it wants to
 * take next; the scheduler resumes the thread when it picks that step, and the code after the
 * `yield` (up to the next `yield`) is the step's effect.
 */
export interface Step {
  /** What the step does, in the kernel's words (`spin_lock(mmu_lock)`, `gpc->valid = true`). */
  readonly label: string;
  /** The shared objects the step touches, for the explorers' commute relation. */
  readonly accesses: readonly Access[];
  /** False while the step cannot run (a held lock, an unfinished grace period); absent = always. */
  readonly enabled?: (tid: number) => boolean;
  /** The threads a blocked step waits for, to name a deadlock's waits-for cycle. */
  readonly waitsFor?: (tid: number) => readonly number[];
}

/** A thread program or any helper that takes steps: compose them with `yield*`. */
export type Steps<T = void> = Generator<Step, T, void>;

/** Builds a step value; primitives preallocate theirs so a run allocates little per step. */
export function makeStep(label: string, accesses: readonly Access[], extra?: Pick<Step, 'enabled' | 'waitsFor'>): Step {
  return extra ? { label, accesses, ...extra } : { label, accesses };
}

/** True when the two steps' footprints conflict (same object, at least one write). */
export function stepsConflict(a: Step, b: Step): boolean {
  for (const x of a.accesses) {
    for (const y of b.accesses) {
      if (x.obj === y.obj && (x.mode === 'write' || y.mode === 'write')) return true;
    }
  }
  return false;
}

/**
 * The effect half of a one-step primitive: what runs when the scheduler resumes the thread after
 * the step. Internal to core's primitives.
 * @internal
 */
export interface StepEffect {
  stepEffect(op: number, arg: unknown): unknown;
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * A one-step primitive call as a bare iterator: it yields its step once, then runs the effect and
 * returns. It behaves like the generator `function* () { yield step; return effect(); }` under
 * `yield*` (and `next`/`return`/`throw`), at a fraction of a generator's cost.
 * @internal
 */
export class OneStep<T> {
  private state = 0;

  constructor(
    /** `{ value: step, done: false }`, usually preallocated by the primitive. */
    private readonly first: IteratorYieldResult<Step>,
    private readonly target: StepEffect,
    private readonly op: number,
    private readonly arg: unknown,
  ) {}

  next(): IteratorResult<Step, T> {
    if (this.state === 0) {
      this.state = 1;
      return this.first;
    }
    if (this.state === 1) {
      this.state = 2;
      const value = this.target.stepEffect(this.op, this.arg);
      return value === undefined ? (DONE as IteratorReturnResult<T>) : { value: value as T, done: true };
    }
    return DONE as IteratorReturnResult<T>;
  }

  return(value: T): IteratorResult<Step, T> {
    this.state = 2;
    return { value, done: true };
  }

  throw(err: unknown): IteratorResult<Step, T> {
    this.state = 2;
    throw err;
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/** A one-step primitive call: `yield step`, then `target.stepEffect(op, arg)` as the result. @internal */
export function oneStep<T>(first: IteratorYieldResult<Step>, target: StepEffect, op: number, arg?: unknown): Steps<T> {
  return new OneStep<T>(first, target, op, arg) as unknown as Steps<T>;
}

/** The iterator result that yields `step`, to preallocate. @internal */
export function yieldOf(step: Step): IteratorYieldResult<Step> {
  return { value: step, done: false };
}
