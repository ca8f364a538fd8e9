import { describeValue } from '../describe-value.js';
import { SimObject } from '../sim-object.js';
import type { Step, Steps } from '../step.js';

/**
 * A shared variable (a field of a kernel struct). `read`, `write` and `update` each take one
 * step. Inside a step declared with `t.step(...)`, read and assign `value` directly.
 */
export class Var<T> extends SimObject {
  readonly kind: string = 'var';
  private current: T;
  /** Bumped on every assignment, so a thread can block until the variable changes. */
  version = 0;
  private readonly readStep: Step;
  private readonly writeStep: Step;

  constructor(world: ConstructorParameters<typeof SimObject>[0], name: string, initial: T) {
    super(world, name);
    this.current = initial;
    this.readStep = { label: `read ${name}`, accesses: [{ obj: this, mode: 'read' }] };
    this.writeStep = { label: `write ${name}`, accesses: [{ obj: this, mode: 'write' }] };
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
  *read(label?: string): Steps<T> {
    yield label === undefined ? this.readStep : { label, accesses: this.readStep.accesses };
    return this.current;
  }

  /** One step: a shared write. */
  *write(next: T, label?: string): Steps {
    yield label === undefined ? this.writeStep : { label, accesses: this.writeStep.accesses };
    this.value = next;
  }

  /** One step: an atomic read-modify-write (a counter bump under its lock, `x |= bit`). Returns the new value. */
  *update(fn: (old: T) => T, label?: string): Steps<T> {
    yield label === undefined ? this.writeStep : { label, accesses: this.writeStep.accesses };
    this.value = fn(this.current);
    return this.current;
  }

  describe(): string {
    return describeValue(this.current);
  }
}
