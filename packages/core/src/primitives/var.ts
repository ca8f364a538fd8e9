import { describeValue } from '../describe-value.js';
import { SimObject } from '../sim-object.js';
import { LazyStep, oneStep, StepCall, yieldOf, type Access, type Step, type StepEffect, type StepSource, type Steps } from '../step.js';

const READ = 0;
const WRITE = 1;
const UPDATE = 2;

/**
 * A shared variable (a field of a kernel struct). `read`, `write` and `update` each take one
 * step. Inside a step declared with `t.step(...)`, read and assign `value` directly.
 */
export class Var<T> extends SimObject implements StepEffect, StepSource {
  declare readonly kind: string;
  private declare current: T;
  /** Bumped on every assignment, so a thread can block until the variable changes. */
  declare version: number;
  /** The read and write steps, made on first use (a run often never touches some variables). */
  private declare readY: IteratorYieldResult<Step> | null;
  private declare writeY: IteratorYieldResult<Step> | null;

  constructor(world: ConstructorParameters<typeof SimObject>[0], name: string, initial: T) {
    super(world, name);
    // Assigned here rather than as class fields, whose initializer would be a separate call.
    this.kind = 'var';
    this.current = initial;
    this.version = 0;
    this.readY = null;
    this.writeY = null;
  }

  /** Back to how `world.var(name, initial)` makes it, for a recycled world. @internal */
  reset(initial: T): this {
    this.current = initial;
    this.version = 0;
    return this;
  }

  private get readYield(): IteratorYieldResult<Step> {
    return (this.readY ??= yieldOf(new LazyStep(this, READ)));
  }

  private get writeYield(): IteratorYieldResult<Step> {
    return (this.writeY ??= yieldOf(new LazyStep(this, WRITE)));
  }

  /** @internal */
  stepLabel(kind: number): string {
    return kind === READ ? `read ${this.name}` : `write ${this.name}`;
  }

  /** @internal */
  stepAccesses(kind: number): readonly Access[] {
    return [{ obj: this, mode: kind === READ ? 'read' : 'write' }];
  }

  /** The value now. Reading it outside a step is only for invariants and thread-local copies. */
  get value(): T {
    return this.current;
  }

  set value(next: T) {
    this.current = next;
    this.version++;
  }

  /** One step: a shared read. `label` says why, in the kernel's words. */
  read(label?: string): Steps<T> {
    if (label === undefined) return oneStep<T>(this.readYield, this, READ);
    return new StepCall<T>(label, this, READ, this.readYield.value, undefined, this, READ, undefined) as unknown as Steps<T>;
  }

  /** One step: a shared write. */
  write(next: T, label?: string): Steps {
    if (label === undefined) return oneStep<void>(this.writeYield, this, WRITE, next);
    return new StepCall<void>(label, this, WRITE, this.writeYield.value, undefined, this, WRITE, next) as unknown as Steps;
  }

  /** One step: an atomic read-modify-write (a counter bump under its lock, `x |= bit`). Returns the new value. */
  update(fn: (old: T) => T, label?: string): Steps<T> {
    if (label === undefined) return oneStep<T>(this.writeYield, this, UPDATE, fn);
    return new StepCall<T>(label, this, WRITE, this.writeYield.value, undefined, this, UPDATE, fn) as unknown as Steps<T>;
  }

  /** A write step with its own label, made once (for labels that never change). */
  protected labelledWrite(label: string): IteratorYieldResult<Step> {
    return yieldOf(new LazyStep(this, WRITE, label, this.writeYield.value));
  }

  /** `update` with a prepared first step. */
  protected updateWith(first: IteratorYieldResult<Step>, fn: (old: T) => T): Steps<T> {
    return oneStep<T>(first, this, UPDATE, fn);
  }

  /** @internal */
  stepEffect(op: number, arg: unknown): unknown {
    if (op === READ) return this.current;
    if (op === WRITE) {
      this.value = arg as T;
      return undefined;
    }
    this.value = (arg as (old: T) => T)(this.current);
    return this.current;
  }

  describe(): string {
    const v = this.current;
    // Small counters are the common case of a trace: their text is made once.
    if (typeof v === 'number' && v >= 0 && v < SMALL_INTS && (v | 0) === v) return (SMALL_INT_TEXT[v] ??= String(v));
    return describeValue(v);
  }
}

/** `String(n)` for 0 <= n < SMALL_INTS, made on first use. */
const SMALL_INTS = 1024;
const SMALL_INT_TEXT: string[] = [];
