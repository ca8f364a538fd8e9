import { ModelMisuseError } from '../faults.js';
import { SimObject } from '../sim-object.js';
import type { Step, Steps } from '../step.js';
import type { World } from '../world.js';

/** `rwlock_t`: many readers or one writer. `write_lock` blocks while any reader or writer holds it. */
export class RwLock extends SimObject {
  readonly kind: string = 'rwlock';
  /** The writing thread, or -1. */
  writer = -1;
  /** How many read holds each thread has (index = thread id). */
  private readonly readHolds: number[] = [];
  /** Total read holds. */
  readers = 0;
  private readonly readLockStep: Step;
  private readonly readUnlockStep: Step;
  private readonly writeLockStep: Step;
  private readonly writeUnlockStep: Step;

  constructor(world: World, name: string) {
    super(world, name);
    // Read acquisitions change what a writer may do, so every operation counts as a write.
    const accesses = [{ obj: this, mode: 'write' as const }];
    this.readLockStep = {
      label: `read_lock(${name})`,
      accesses,
      enabled: () => this.writer === -1,
      waitsFor: () => (this.writer === -1 ? [] : [this.writer]),
    };
    this.readUnlockStep = { label: `read_unlock(${name})`, accesses };
    this.writeLockStep = {
      label: `write_lock(${name})`,
      accesses,
      enabled: () => this.writer === -1 && this.readers === 0,
      waitsFor: () => this.holders(),
    };
    this.writeUnlockStep = { label: `write_unlock(${name})`, accesses };
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
  *readLock(): Steps {
    yield this.readLockStep;
    const tid = this.world.current;
    this.readHolds[tid] = (this.readHolds[tid] ?? 0) + 1;
    this.readers++;
  }

  /** One step: `read_unlock`. */
  *readUnlock(): Steps {
    yield this.readUnlockStep;
    const tid = this.world.current;
    const held = this.readHolds[tid] ?? 0;
    if (held === 0) throw new ModelMisuseError(`read_unlock(${this.name}) by CPU${tid}, which holds no read lock`);
    this.readHolds[tid] = held - 1;
    this.readers--;
  }

  /** One step: `write_lock`, blocking while anyone holds it. */
  *writeLock(): Steps {
    yield this.writeLockStep;
    this.writer = this.world.current;
  }

  /** One step: `write_unlock`. */
  *writeUnlock(): Steps {
    yield this.writeUnlockStep;
    if (this.writer !== this.world.current) {
      throw new ModelMisuseError(`write_unlock(${this.name}) by CPU${this.world.current}, which does not hold it`);
    }
    this.writer = -1;
  }

  describe(): string {
    if (this.writer !== -1) return `write-held by CPU${this.writer}`;
    if (this.readers > 0) return `read-held by ${this.holders().map((t) => `CPU${t}`).join(',')}`;
    return 'free';
  }
}
