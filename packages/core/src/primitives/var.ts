import { Tag } from '@kvmrace/memory/models';
import { describeValue } from '../describe-value.js';
import { SimObject, type WeakHooks } from '../sim-object.js';
import { LazyStep, oneStep, StepCall, yieldOf, type Access, type Step, type StepEffect, type StepSource, type Steps } from '../step.js';

const READ = 0;
const WRITE = 1;
const UPDATE = 2;
// The other flavours of an access, as the kernel marks them; under `sc` they are a read or a write.
const PLAIN_READ = 3;
const PLAIN_WRITE = 4;
const ACQUIRE_READ = 5;
const RELEASE_WRITE = 6;
const CMPXCHG = 7;
const XCHG = 8;
const ATOMIC = 9;

/**
 * The ordering of an atomic operation, as the kernel names its forms (Documentation/atomic_t.txt):
 * `noreturn` (atomic_inc(), atomic_add(): no value, no order), `relaxed`, `acquire`, `release`,
 * and `full` (a value-returning atomic without a suffix: atomic_add_return(), atomic_inc_return()).
 */
export type AtomicOrdering = 'noreturn' | 'relaxed' | 'acquire' | 'release' | 'full';

/** The LKMM tags of both events of an atomic of each ordering (an x86 locked instruction, whatever its ordering). */
const ATOMIC_TAGS: Readonly<Record<AtomicOrdering, number>> = {
  noreturn: Tag.NORETURN | Tag.RMW | Tag.LOCKED,
  relaxed: Tag.ONCE | Tag.RMW | Tag.LOCKED,
  acquire: Tag.ACQUIRE | Tag.RMW | Tag.LOCKED,
  release: Tag.RELEASE | Tag.RMW | Tag.LOCKED,
  full: Tag.MB | Tag.RMW | Tag.LOCKED,
};

/** What `atomic` applies, and how ordered. */
interface AtomicArgs {
  readonly fn: (old: unknown) => unknown;
  readonly ordering: AtomicOrdering;
}
/** A value-returning atomic: fully ordered (LKMM's Mb), a locked instruction on x86. */
const FULLY_ORDERED_RMW = Tag.MB | Tag.RMW | Tag.LOCKED;
/** The LKMM tags of each operation's access (reads and writes; an update is both). */
const TAGS = [Tag.ONCE, Tag.ONCE, Tag.ONCE, 0, 0, Tag.ACQUIRE, Tag.RELEASE, FULLY_ORDERED_RMW, FULLY_ORDERED_RMW];

/** What `cmpxchg` compares and what it stores. */
interface CmpxchgArgs {
  readonly expected: unknown;
  readonly next: unknown;
}

/**
 * A shared variable (a field of a kernel struct). `read`, `write` and `update` each take one
 * step. Inside a step declared with `t.step(...)`, read and assign `value` directly.
 *
 * Under a weak memory model (`tso`, `lkmm`) `read` is `READ_ONCE()`, `write` is `WRITE_ONCE()` and
 * `update` an atomic read-modify-write of the latest value; `plainRead`/`plainWrite` are unmarked
 * C accesses (which the LKMM checks for data races), `loadAcquire`/`storeRelease` are
 * `smp_load_acquire()`/`smp_store_release()`. Under `sc` all of them are the same plain step.
 * `value`, read or assigned inside a thread's step, is an access of the latest value.
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
    const weak = this.world.weak;
    if (weak !== null && this.world.current >= 0) weak.readLatest(this, this.current, Tag.ONCE);
    return this.current;
  }

  set value(next: T) {
    const weak = this.world.weak;
    if (weak !== null && this.world.current >= 0) weak.writeLatest(this, this.current, Tag.ONCE, next);
    this.assign(next);
  }

  /** Sets the value the object shows (its coherence-latest) without an access of its own. */
  protected assign(next: T): void {
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

  /** One step: a plain (unmarked) C load, `x = p->field`. */
  plainRead(label?: string): Steps<T> {
    return new StepCall<T>(label ?? `read ${this.name}`, this, READ, this.readYield.value, undefined, this, PLAIN_READ, undefined) as unknown as Steps<T>;
  }

  /** One step: a plain (unmarked) C store, `p->field = x`. */
  plainWrite(next: T, label?: string): Steps {
    return new StepCall<void>(label ?? `write ${this.name}`, this, WRITE, this.writeYield.value, undefined, this, PLAIN_WRITE, next) as unknown as Steps;
  }

  /** One step: `smp_load_acquire()`. */
  loadAcquire(label?: string): Steps<T> {
    return new StepCall<T>(label ?? `smp_load_acquire(${this.name})`, this, READ, this.readYield.value, undefined, this, ACQUIRE_READ, undefined) as unknown as Steps<T>;
  }

  /** One step: `smp_store_release()`. */
  storeRelease(next: T, label?: string): Steps {
    return new StepCall<void>(label ?? `smp_store_release(${this.name})`, this, WRITE, this.writeYield.value, undefined, this, RELEASE_WRITE, next) as unknown as Steps;
  }

  /**
   * One step: `cmpxchg(&field, expected, next)`: stores `next` if the value is `expected`; returns
   * the value it found. Fully ordered when it succeeds; a failed one is a relaxed read (as in the
   * kernel's atomic_t.txt).
   */
  cmpxchg(expected: T, next: T, label?: string): Steps<T> {
    const args: CmpxchgArgs = { expected, next };
    return new StepCall<T>(label ?? `cmpxchg(${this.name}, ${describeValue(expected)}, ${describeValue(next)})`, this, WRITE, this.writeYield.value, undefined, this, CMPXCHG, args) as unknown as Steps<T>;
  }

  /** One step: `xchg(&field, next)`, fully ordered; returns the old value. */
  xchg(next: T, label?: string): Steps<T> {
    return new StepCall<T>(label ?? `xchg(${this.name}, ${describeValue(next)})`, this, WRITE, this.writeYield.value, undefined, this, XCHG, next) as unknown as Steps<T>;
  }

  /**
   * One step: an atomic operation of the kernel's atomic_t API on this variable, `fn` computing the
   * new value from the old: `atomic(n => n + 1, 'noreturn')` is atomic_inc(), `atomic(n => n + d,
   * 'full')` atomic_add_return(), `'acquire'` its `_acquire` form. Returns the new value. Under
   * `sc` the same as `update`.
   */
  atomic(fn: (old: T) => T, ordering: AtomicOrdering, label?: string): Steps<T> {
    const args: AtomicArgs = { fn: fn as (old: unknown) => unknown, ordering };
    return new StepCall<T>(label ?? `atomic ${ordering} RMW of ${this.name}`, this, WRITE, this.writeYield.value, undefined, this, ATOMIC, args) as unknown as Steps<T>;
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
    const weak = this.world.weak;
    if (weak !== null) return this.weakEffect(weak, op, arg);
    if (op === READ || op === PLAIN_READ || op === ACQUIRE_READ) return this.current;
    if (op === CMPXCHG || op === XCHG) return this.exchange(null, op, arg);
    if (op === ATOMIC) {
      this.assign((arg as AtomicArgs).fn(this.current) as T);
      return this.current;
    }
    if (op !== UPDATE) {
      this.assign(arg as T);
      return undefined;
    }
    this.assign((arg as (old: T) => T)(this.current));
    return this.current;
  }

  /** The effect of an access under a weak memory model: an event of the run's execution graph. */
  private weakEffect(weak: WeakHooks, op: number, arg: unknown): unknown {
    const tags = TAGS[op] as number;
    if (op === READ || op === PLAIN_READ || op === ACQUIRE_READ) return weak.read(this, this.current, tags);
    if (op === CMPXCHG || op === XCHG) return this.exchange(weak, op, arg);
    if (op === ATOMIC) {
      const { fn, ordering } = arg as AtomicArgs;
      const next = weak.rmw(this, this.current, ATOMIC_TAGS[ordering], ATOMIC_TAGS[ordering], fn) as T;
      this.assign(next);
      return next;
    }
    if (op === UPDATE) {
      const next = weak.rmw(this, this.current, tags, tags, arg as (old: unknown) => unknown) as T;
      this.assign(next);
      return next;
    }
    if (weak.write(this, this.current, tags, arg)) this.assign(arg as T);
    return undefined;
  }

  /** `cmpxchg` and `xchg`: the old value; under weak memory a fully ordered RMW (a failed cmpxchg only reads). */
  private exchange(weak: WeakHooks | null, op: number, arg: unknown): T {
    const old = this.current;
    const cas = op === CMPXCHG ? (arg as CmpxchgArgs) : null;
    if (cas !== null && old !== cas.expected) {
      weak?.readLatest(this, old, FULLY_ORDERED_RMW); // a failed RMW: in the LKMM's RMW set, not a full barrier; locked on x86
      return old;
    }
    const next = (cas !== null ? cas.next : arg) as T;
    weak?.rmw(this, old, FULLY_ORDERED_RMW, FULLY_ORDERED_RMW, () => next);
    this.assign(next);
    return old;
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
