import { ModelMisuseError } from '../faults.js';
import { SimObject } from '../sim-object.js';
import { oneStep, yieldOf, type Step, type StepEffect, type Steps } from '../step.js';
import type { World } from '../world.js';

/** `rwlock_t`: many readers or one writer. `write_lock` blocks while any reader or writer holds it. */
const READ_LOCK = 0;
const READ_UNLOCK = 1;
const WRITE_LOCK = 2;
const WRITE_UNLOCK = 3;

export class RwLock extends SimObject implements StepEffect {
  readonly kind: string = 'rwlock';
  /** The writing thread, or -1. */
  writer = -1;
  /** How many read holds each thread has (index = thread id). */
  private readonly readHolds: number[] = [];
  /** Total read holds. */
  readers = 0;
  private readonly readLockYield: IteratorYieldResult<Step>;
  private readonly readUnlockYield: IteratorYieldResult<Step>;
  private readonly writeLockYield: IteratorYieldResult<Step>;
  private readonly writeUnlockYield: IteratorYieldResult<Step>;

  constructor(world: World, name: string) {
    super(world, name);
    // Read acquisitions change what a writer may do, so every operation counts as a write.
    const accesses = [{ obj: this, mode: 'write' as const }];
    this.readLockYield = yieldOf({
      label: `read_lock(${name})`,
      accesses,
      enabled: () => this.writer === -1,
      waitsFor: () => (this.writer === -1 ? [] : [this.writer]),
    });
    this.readUnlockYield = yieldOf({ label: `read_unlock(${name})`, accesses });
    this.writeLockYield = yieldOf({
      label: `write_lock(${name})`,
      accesses,
      enabled: () => this.writer === -1 && this.readers === 0,
      waitsFor: () => this.holders(),
    });
    this.writeUnlockYield = yieldOf({ label: `write_unlock(${name})`, accesses });
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
    return oneStep<void>(this.readLockYield, this, READ_LOCK);
  }

  /** One step: `read_unlock`. */
  readUnlock(): Steps {
    return oneStep<void>(this.readUnlockYield, this, READ_UNLOCK);
  }

  /** One step: `write_lock`, blocking while anyone holds it. */
  writeLock(): Steps {
    return oneStep<void>(this.writeLockYield, this, WRITE_LOCK);
  }

  /** One step: `write_unlock`. */
  writeUnlock(): Steps {
    return oneStep<void>(this.writeUnlockYield, this, WRITE_UNLOCK);
  }

  /** @internal */
  stepEffect(op: number): undefined {
    const tid = this.world.current;
    switch (op) {
      case READ_LOCK:
        this.readHolds[tid] = (this.readHolds[tid] ?? 0) + 1;
        this.readers++;
        return undefined;
      case READ_UNLOCK: {
        const held = this.readHolds[tid] ?? 0;
        if (held === 0) throw new ModelMisuseError(`read_unlock(${this.name}) by CPU${tid}, which holds no read lock`);
        this.readHolds[tid] = held - 1;
        this.readers--;
        return undefined;
      }
      case WRITE_LOCK:
        this.writer = tid;
        return undefined;
      default:
        if (this.writer !== tid) {
          throw new ModelMisuseError(`write_unlock(${this.name}) by CPU${tid}, which does not hold it`);
        }
        this.writer = -1;
        return undefined;
    }
  }

  describe(): string {
    if (this.writer !== -1) return `write-held by CPU${this.writer}`;
    if (this.readers > 0) return `read-held by ${this.holders().map((t) => `CPU${t}`).join(',')}`;
    return 'free';
  }
}
