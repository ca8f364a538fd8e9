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

/**
 * Where a primitive's lazily made steps get their label and footprint. Internal to core.
 * @internal
 */
export interface StepSource {
  /** The label of the source's step `kind`. */
  stepLabel(kind: number): string;
  /** The footprint of the source's step `kind` (a new array); `data` is the step's `data`. */
  stepAccesses(kind: number, data: unknown): readonly Access[];
}

/**
 * The step of every core primitive (and of `t.step`): one class, so that the engine's reads of
 * `enabled` see one shape whatever the primitive. Its label and footprint are made the first time
 * someone asks (a random walk never asks); a step with a `base` shares the base's footprint (a
 * read with its own label). A blocking step has an `enabled` (and `waitsFor`) function, called with
 * the step as `this`. Internal to core.
 * @internal
 */
export class LazyStep implements Step {
  // Assigned in the constructor rather than declared as class fields (a field initializer is a
  // separate call, and slow when it sees many shapes).
  declare readonly enabled: ((tid: number) => boolean) | undefined;
  declare readonly waitsFor: ((tid: number) => readonly number[]) | undefined;
  /** The primitive the step belongs to. */
  declare readonly source: StepSource;
  private declare readonly kind: number;
  private declare text: string | undefined;
  private declare acc: readonly Access[] | undefined;
  private declare readonly base: Step | undefined;
  private declare readonly data: unknown;

  constructor(
    source: StepSource,
    kind: number,
    label?: string,
    base?: Step,
    enabled?: (this: LazyStep, tid: number) => boolean,
    waitsFor?: (this: LazyStep, tid: number) => readonly number[],
    data?: unknown,
  ) {
    this.enabled = enabled;
    this.waitsFor = waitsFor;
    this.source = source;
    this.kind = kind;
    this.text = label;
    this.acc = undefined;
    this.base = base;
    this.data = data;
  }

  get label(): string {
    let text = this.text;
    if (text === undefined) this.text = text = this.source.stepLabel(this.kind);
    return text;
  }

  get accesses(): readonly Access[] {
    let acc = this.acc;
    if (acc === undefined) this.acc = acc = this.base !== undefined ? this.base.accesses : this.source.stepAccesses(this.kind, this.data);
    return acc;
  }
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

/**
 * A one-step primitive call as a bare iterator: it yields its step once, then runs the effect and
 * returns. It behaves like the generator `function* () { yield step; return effect(); }` under
 * `yield*` (and `next`/`return`/`throw`), at a fraction of a generator's cost.
 * @internal
 */
export class OneStep<T> {
  /** 0: the step is next, 1: the effect is next, 2: done. */
  private declare state: number;
  /** `{ value: step, done: false }`, usually preallocated by the primitive. */
  private declare readonly first: IteratorYieldResult<Step>;
  private declare readonly target: StepEffect;
  private declare readonly op: number;
  private declare readonly arg: unknown;
  /** The call is also its own final result `{ value, done: true }`: one allocation fewer per step that returns a value. */
  declare readonly done: true;
  declare value: T | undefined;

  constructor(first: IteratorYieldResult<Step>, target: StepEffect, op: number, arg: unknown) {
    this.state = 0;
    this.first = first;
    this.target = target;
    this.op = op;
    this.arg = arg;
    this.done = true;
    this.value = undefined;
  }

  next(): IteratorResult<Step, T> {
    if (this.state === 0) {
      this.state = 1;
      return this.first;
    }
    if (this.state === 1) {
      this.state = 2;
      this.value = this.target.stepEffect(this.op, this.arg) as T;
      return this as IteratorReturnResult<T>;
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

/**
 * A one-step call with its own label (`v.read('if (gpc->active)')`, `t.step(...)`): the step, the
 * iterator result that yields it and the iterator, all in one object, so that such a call
 * allocates one object instead of three. It behaves as `OneStep` does; its footprint is its base's
 * (a labelled read or write of a variable) or its source's for `data` (a declared step).
 * Its iterator methods repeat OneStep's on purpose: one class for both (by inheritance, or one
 * class with a `value` field) made a pfncache run 6-9% slower, measured in one process.
 * @internal
 */
export class StepCall<T> implements Step {
  /**
   * The call is its own iterator results: `{ value: step, done: false }` when it yields its step
   * (itself), then `{ value: result, done: true }` when its effect returns a value.
   */
  declare value: StepCall<T> | T;
  declare done: boolean;
  declare readonly enabled: undefined;
  declare readonly waitsFor: undefined;
  declare readonly label: string;
  private declare readonly source: StepSource;
  private declare readonly kind: number;
  private declare acc: readonly Access[] | undefined;
  private declare readonly base: Step | undefined;
  private declare readonly data: unknown;
  /** 0: the step is next, 1: the effect is next, 2: done. */
  private declare state: number;
  private declare readonly target: StepEffect;
  private declare readonly op: number;
  private declare readonly arg: unknown;

  constructor(label: string, source: StepSource, kind: number, base: Step | undefined, data: unknown, target: StepEffect, op: number, arg: unknown) {
    this.value = this;
    this.done = false;
    this.enabled = undefined;
    this.waitsFor = undefined;
    this.label = label;
    this.source = source;
    this.kind = kind;
    this.acc = undefined;
    this.base = base;
    this.data = data;
    this.state = 0;
    this.target = target;
    this.op = op;
    this.arg = arg;
  }

  get accesses(): readonly Access[] {
    let acc = this.acc;
    if (acc === undefined) this.acc = acc = this.base !== undefined ? this.base.accesses : this.source.stepAccesses(this.kind, this.data);
    return acc;
  }

  next(): IteratorResult<Step, T> {
    if (this.state === 0) {
      this.state = 1;
      return this as IteratorYieldResult<Step>;
    }
    if (this.state === 1) {
      this.state = 2;
      const value = this.target.stepEffect(this.op, this.arg);
      if (value === undefined) return DONE as IteratorReturnResult<T>;
      this.value = value as T;
      this.done = true;
      return this as IteratorReturnResult<T>;
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

  /** True once `yield*` (or anyone) asked for the step: a plain `yield` of the call never does. */
  get started(): boolean {
    return this.state !== 0;
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
