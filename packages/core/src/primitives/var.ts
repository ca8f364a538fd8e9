import { describeValue } from '../describe-value.js';
import { SimObject } from '../sim-object.js';
import { oneStep, yieldOf, type Step, type StepEffect, type Steps } from '../step.js';

const READ = 0;
const WRITE = 1;
const UPDATE = 2;

/**
 * A shared variable (a field of a kernel struct). `read`, `write` and `update` each take one
 * step. Inside a step declared with `t.step(...)`, read and assign `value` directly.
 */
export class Var<T> extends SimObject implements StepEffect {
  readonly kind: string = 'var';
  private current: T;
  /** Bumped on every assignment, so a thread can block until the variable changes. */
  version = 0;
  /** The read and write steps, made on first use (a run often never touches some variables). */
  private readY: IteratorYieldResult<Step> | null = null;
  private writeY: IteratorYieldResult<Step> | null = null;

  constructor(world: ConstructorParameters<typeof SimObject>[0], name: string, initial: T) {
    super(world, name);
    this.current = initial;
  }

  private get readYield(): IteratorYieldResult<Step> {
    return (this.readY ??= yieldOf({ label: `read ${this.name}`, accesses: [{ obj: this, mode: 'read' }] }));
  }

  private get writeYield(): IteratorYieldResult<Step> {
    return (this.writeY ??= yieldOf({ label: `write ${this.name}`, accesses: [{ obj: this, mode: 'write' }] }));
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
    return oneStep<T>(label === undefined ? this.readYield : yieldOf({ label, accesses: this.readYield.value.accesses }), this, READ);
  }

  /** One step: a shared write. */
  write(next: T, label?: string): Steps {
    return oneStep<void>(label === undefined ? this.writeYield : yieldOf({ label, accesses: this.writeYield.value.accesses }), this, WRITE, next);
  }

  /** One step: an atomic read-modify-write (a counter bump under its lock, `x |= bit`). Returns the new value. */
  update(fn: (old: T) => T, label?: string): Steps<T> {
    return oneStep<T>(label === undefined ? this.writeYield : yieldOf({ label, accesses: this.writeYield.value.accesses }), this, UPDATE, fn);
  }

  /** A write step with its own label, made once (for labels that never change). */
  protected labelledWrite(label: string): IteratorYieldResult<Step> {
    return yieldOf({ label, accesses: this.writeYield.value.accesses });
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
    return describeValue(this.current);
  }
}
