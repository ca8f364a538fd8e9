import { Tag } from '@kvmrace/memory/models';
import { ModelMisuseError } from '../faults.js';
import { SimObject, type ObjectWorld } from '../sim-object.js';
import { LazyStep, oneStep, yieldOf, type Access, type Step, type StepEffect, type StepSource, type Steps } from '../step.js';

/** `rwlock_t`: many readers or one writer. `write_lock` blocks while any reader or writer holds it. */
const READ_LOCK = 0;
const READ_UNLOCK = 1;
const WRITE_LOCK = 2;
const WRITE_UNLOCK = 3;

const LABELS = ['read_lock', 'read_unlock', 'write_lock', 'write_unlock'];

/** The rwlock word after an RMW under a weak memory model (no model reads its value). */
const BUMP = (old: unknown): number => (old as number) + 1;

/** `enabled` of `read_lock` (`this` is the step): no writer. */
function readLockEnabled(this: LazyStep): boolean {
  return (this.source as RwLock).writer === -1;
}

/** `waitsFor` of `read_lock`: the writer. */
function readLockWaitsFor(this: LazyStep): readonly number[] {
  const writer = (this.source as RwLock).writer;
  return writer === -1 ? [] : [writer];
}

/** `enabled` of `write_lock`: nobody holds the lock. */
function writeLockEnabled(this: LazyStep): boolean {
  const lock = this.source as RwLock;
  return lock.writer === -1 && lock.readers === 0;
}

/** `waitsFor` of `write_lock`: every holder. */
function writeLockWaitsFor(this: LazyStep): readonly number[] {
  return (this.source as RwLock).holders();
}

export class RwLock extends SimObject implements StepEffect, StepSource {
  declare readonly kind: string;
  /** The writing thread, or -1. */
  declare writer: number;
  /** How many read holds each thread has (index = thread id). */
  private declare readonly readHolds: number[];
  /** Total read holds. */
  declare readers: number;
  /** Its four steps (by operation), made on first use. */
  private declare steps: IteratorYieldResult<Step>[] | null;

  constructor(world: ObjectWorld, name: string) {
    super(world, name);
    // Assigned here rather than as class fields, whose initializer would be a separate call.
    this.kind = 'rwlock';
    this.writer = -1;
    this.readHolds = [];
    this.readers = 0;
    this.steps = null;
  }

  /** Back to how `world.rwlock(name)` makes it, for a recycled world. @internal */
  reset(): this {
    this.writer = -1;
    this.readHolds.length = 0;
    this.readers = 0;
    return this;
  }

  private take(op: number): IteratorYieldResult<Step> {
    let steps = this.steps;
    if (steps === null) {
      // Read acquisitions change what a writer may do, so every operation counts as a write: the
      // four steps share the read_lock step's footprint.
      const readLock = new LazyStep(this, READ_LOCK, undefined, undefined, readLockEnabled, readLockWaitsFor);
      steps = [
        yieldOf(readLock),
        yieldOf(new LazyStep(this, READ_UNLOCK, undefined, readLock)),
        yieldOf(new LazyStep(this, WRITE_LOCK, undefined, readLock, writeLockEnabled, writeLockWaitsFor)),
        yieldOf(new LazyStep(this, WRITE_UNLOCK, undefined, readLock)),
      ];
      this.steps = steps;
    }
    return steps[op] as IteratorYieldResult<Step>;
  }

  /** @internal */
  stepLabel(op: number): string {
    return `${LABELS[op] as string}(${this.name})`;
  }

  /** @internal */
  stepAccesses(): readonly Access[] {
    return [{ obj: this, mode: 'write' }];
  }

  /** True when nobody holds the lock. */
  get isFree(): boolean {
    return this.writer === -1 && this.readers === 0;
  }

  /** Threads holding the lock now (the writer, or every reader). */
  holders(): number[] {
    if (this.writer !== -1) return [this.writer];
    const out: number[] = [];
    this.readHolds.forEach((n, tid) => {
      if (n > 0) out.push(tid);
    });
    return out;
  }

  /** One step: `read_lock`, blocking while a writer holds it. */
  readLock(): Steps {
    return oneStep<void>(this.take(READ_LOCK), this, READ_LOCK);
  }

  /** One step: `read_unlock`. */
  readUnlock(): Steps {
    return oneStep<void>(this.take(READ_UNLOCK), this, READ_UNLOCK);
  }

  /** One step: `write_lock`, blocking while anyone holds it. */
  writeLock(): Steps {
    return oneStep<void>(this.take(WRITE_LOCK), this, WRITE_LOCK);
  }

  /** One step: `write_unlock`. */
  writeUnlock(): Steps {
    return oneStep<void>(this.take(WRITE_UNLOCK), this, WRITE_UNLOCK);
  }

  /** @internal */
  stepEffect(op: number): undefined {
    const tid = this.world.current;
    switch (op) {
      case READ_LOCK:
        this.readHolds[tid] = (this.readHolds[tid] ?? 0) + 1;
        this.readers++;
        this.world.lockWatch?.acquire(this, tid, true);
        this.world.weak?.rmw(this, 0, Tag.ACQUIRE | Tag.RMW, Tag.ONCE | Tag.RMW, BUMP); // read_lock(): an acquire RMW of the lock word
        return undefined;
      case READ_UNLOCK: {
        const held = this.readHolds[tid] ?? 0;
        if (held === 0) throw new ModelMisuseError(`read_unlock(${this.name}) by CPU${tid}, which holds no read lock`);
        this.readHolds[tid] = held - 1;
        this.readers--;
        this.world.lockWatch?.release(this, tid);
        this.world.weak?.rmw(this, 0, Tag.ONCE | Tag.RMW, Tag.RELEASE | Tag.RMW, BUMP); // read_unlock(): a release RMW
        return undefined;
      }
      case WRITE_LOCK:
        this.writer = tid;
        this.world.lockWatch?.acquire(this, tid, false);
        this.world.weak?.rmw(this, 0, Tag.ACQUIRE | Tag.RMW, Tag.ONCE | Tag.RMW, BUMP); // write_lock(): an acquire RMW
        return undefined;
      default:
        if (this.writer !== tid) {
          throw new ModelMisuseError(`write_unlock(${this.name}) by CPU${tid}, which does not hold it`);
        }
        this.writer = -1;
        this.world.lockWatch?.release(this, tid);
        this.world.weak?.writeLatest(this, 0, Tag.RELEASE, 0); // write_unlock(): a release store
        return undefined;
    }
  }

  describe(): string {
    if (this.writer !== -1) return `write-held by CPU${this.writer}`;
    if (this.readers > 0) return `read-held by ${this.holders().map((t) => `CPU${t}`).join(',')}`;
    return 'free';
  }
}
