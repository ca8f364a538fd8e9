/**
 * What the lock primitives tell about one run while lock orders are being recorded (see
 * `withLockOrder`). A world's `lockWatch` is null otherwise, and a lock's step then pays one
 * null check; no other step pays anything.
 */
export interface LockWatch {
  /** `tid` takes `lock` (`shared`: the read side of an rwlock), in the step just scheduled. */
  acquire(lock: SimObject, tid: number, shared: boolean): void;
  /** `tid` releases `lock`. */
  release(lock: SimObject, tid: number): void;
}

/**
 * The memory of a run under a weak memory model (see `weak/weak-memory.ts`), as the primitives use
 * it: each access is an event of the run's execution graph, a read returns the value of the write
 * it was chosen to read from, and a write returns whether it became its location's
 * coherence-latest (the object's `value`). A world's `weak` is null under `sc`, where primitives do
 * what they always did. `tags` are `@kvmrace/memory`'s `Tag` bits.
 */
export interface WeakHooks {
  read(obj: SimObject, current: unknown, tags: number, accept?: (value: unknown) => boolean): unknown;
  canRead(obj: SimObject, current: unknown, tid: number, accept: (value: unknown) => boolean): boolean;
  write(obj: SimObject, current: unknown, tags: number, value: unknown): boolean;
  /** An atomic read-modify-write on the coherence-latest value; returns the new value. */
  rmw(obj: SimObject, current: unknown, readTags: number, writeTags: number, next: (old: unknown) => unknown): unknown;
  /** A read of the coherence-latest value (a lock word, a step declared with `t.step`). */
  readLatest(obj: SimObject, current: unknown, tags: number): void;
  /** A write that becomes the coherence-latest. */
  writeLatest(obj: SimObject, current: unknown, tags: number, value: unknown): void;
  /** A barrier named `place:barrier`, unless that toggle is off in this run. */
  fence(tags: number, name: string): void;
  /** A fence-like event of the running thread that is no barrier toggle (RCU's lock, unlock and grace period). */
  event(tags: number): void;
  /** The running thread sends an IPI to the CPUs `targets` (smp_call_function_many(): fully ordered). */
  ipiSent(targets: readonly SimObject[]): void;
  /** CPU `tid` takes an IPI (its handler runs there): after the send in memory, then it completes. */
  ipiTaken(cpu: SimObject, tid: number): void;
  /** The running thread has seen every target complete its IPI (csd_lock_wait()'s acquire). */
  ipiWaited(targets: readonly SimObject[]): void;
  srcuReadLock(srcu: SimObject, tags: number): void;
  srcuReadUnlock(srcu: SimObject, tags: number): void;
  synchronizeSrcu(srcu: SimObject, tags: number): void;
}

/**
 * What a shared object sees of the world it lives in: which thread runs now, and where it
 * registers. `World` is the one implementation; the primitives depend on this, not on `World`
 * (which depends on them to build them).
 */
export interface ObjectWorld {
  /** The thread whose step is running now (-1 outside a step). */
  readonly current: number;
  /** Where locks report acquisitions while lock orders are recorded (see `withLockOrder`), else null. */
  readonly lockWatch: LockWatch | null;
  /** The run's weak memory, or null under sequential consistency. */
  readonly weak: WeakHooks | null;
  /** Adds an object to the world; returns its id (called by every object's constructor). */
  register(obj: SimObject): number;
}

/**
 * A shared object of a model: a variable, a lock, a counter. It belongs to one world (one run) and
 * has a stable id in creation order, so footprints and traces are the same in every run.
 */
export abstract class SimObject {
  /** Creation index within the world: the same object has the same id in every run. */
  readonly id: number;

  constructor(
    /** The world (one run of one schedule) this object lives in. */
    readonly world: ObjectWorld,
    /** The kernel's name for it (`kvm->mmu_lock`, `gpc->valid`), shown in traces. */
    readonly name: string,
  ) {
    this.id = world.register(this);
  }

  /** What sort of object it is (`var`, `lock`, `rwlock`, `srcu`, `cpu`...), for renderers. */
  abstract readonly kind: string;

  /** The object's value as a trace shows it after a step. */
  abstract describe(): string;
}
