import { Tag } from '@kvmrace/memory/models';
import { ModelMisuseError } from '../faults.js';
import { SimObject, type ObjectWorld } from '../sim-object.js';
import { LazyStep, oneStep, yieldOf, type Access, type Step, type StepEffect, type StepSource, type Steps } from '../step.js';

/** What `synchronize_srcu` waits for: the readers inside a read section when it was called. */
export interface GracePeriod {
  /** Thread ids of those readers, with the number of read sections each had ended then. */
  readonly waitFor: ReadonlyArray<{ readonly tid: number; readonly endedBefore: number }>;
}

/**
 * Sleepable RCU (`struct srcu_struct`). `synchronize()` takes a snapshot of the readers inside a
 * read section when it is called and then blocks until each of them has left that section;
 * readers that enter after the snapshot do not delay it.
 */
const READ_LOCK = 0;
const READ_UNLOCK = 1;
const SNAPSHOT = 2;

export class Srcu extends SimObject implements StepEffect, StepSource {
  declare readonly kind: string;
  /** Read-section nesting depth per thread. */
  private declare readonly depth: number[];
  /** How many outermost read sections each thread has ended. */
  private declare readonly ended: number[];
  /** The read_lock and read_unlock steps, made on first use. */
  private declare lockYield: IteratorYieldResult<Step> | null;
  private declare unlockYield: IteratorYieldResult<Step> | null;
  private declare snapshot: Step | null;

  constructor(world: ObjectWorld, name: string) {
    super(world, name);
    // Assigned here rather than as class fields, whose initializer would be a separate call.
    this.kind = 'srcu';
    this.depth = [];
    this.ended = [];
    this.lockYield = null;
    this.unlockYield = null;
    this.snapshot = null;
  }

  /** Back to how `world.srcu(name)` makes it, for a recycled world. @internal */
  reset(): this {
    this.depth.length = 0;
    this.ended.length = 0;
    return this;
  }

  /** @internal */
  stepLabel(op: number): string {
    if (op === READ_LOCK) return `srcu_read_lock(${this.name})`;
    if (op === READ_UNLOCK) return `srcu_read_unlock(${this.name})`;
    return `${this.synchronizeName}: snapshot readers`;
  }

  /** @internal */
  stepAccesses(op: number): readonly Access[] {
    return [{ obj: this, mode: op === SNAPSHOT ? 'read' : 'write' }];
  }

  private get readLockYield(): IteratorYieldResult<Step> {
    if (this.lockYield === null) {
      const lock = new LazyStep(this, READ_LOCK);
      this.lockYield = yieldOf(lock);
      this.unlockYield = yieldOf(new LazyStep(this, READ_UNLOCK, undefined, lock));
    }
    return this.lockYield;
  }

  private get readUnlockYield(): IteratorYieldResult<Step> {
    if (this.unlockYield === null) void this.readLockYield;
    return this.unlockYield as IteratorYieldResult<Step>;
  }

  private get snapshotStep(): Step {
    return (this.snapshot ??= new LazyStep(this, SNAPSHOT));
  }

  /** Threads inside a read section now. */
  readers(): number[] {
    const out: number[] = [];
    this.depth.forEach((d, tid) => {
      if (d > 0) out.push(tid);
    });
    return out;
  }

  /** True when the thread is inside a read section. */
  isReader(tid: number): boolean {
    return (this.depth[tid] ?? 0) > 0;
  }

  /** One step: `srcu_read_lock`. */
  readLock(): Steps {
    return oneStep<void>(this.readLockYield, this, READ_LOCK);
  }

  /** One step: `srcu_read_unlock`. */
  readUnlock(): Steps {
    return oneStep<void>(this.readUnlockYield, this, READ_UNLOCK);
  }

  /** @internal */
  stepEffect(op: number): undefined {
    const tid = this.world.current;
    const d = this.depth[tid] ?? 0;
    if (op === READ_LOCK) {
      this.depth[tid] = d + 1;
      this.weakReadLock();
      return undefined;
    }
    if (d === 0) throw new ModelMisuseError(`srcu_read_unlock(${this.name}) by CPU${tid} outside a read section`);
    this.depth[tid] = d - 1;
    this.weakReadUnlock();
    if (d === 1) this.ended[tid] = (this.ended[tid] ?? 0) + 1;
    return undefined;
  }

  /** Whether every reader of the grace period has left the section it was in. */
  isComplete(gp: GracePeriod): boolean {
    return gp.waitFor.every((r) => (this.ended[r.tid] ?? 0) > r.endedBefore);
  }

  /**
   * Two steps: `synchronize_srcu` snapshots the current readers, then waits for them.
   * Calling it inside one's own read section deadlocks, as in the kernel.
   */
  *synchronize(): Steps {
    const gp = yield* this.startGracePeriod();
    yield* this.waitGracePeriod(gp);
  }

  /** One step: the snapshot half of `synchronize_srcu`. */
  *startGracePeriod(): Steps<GracePeriod> {
    yield this.snapshotStep;
    return { waitFor: this.readers().map((tid) => ({ tid, endedBefore: this.ended[tid] ?? 0 })) };
  }

  /** One step: the waiting half of `synchronize_srcu`, enabled once the grace period is over. */
  *waitGracePeriod(gp: GracePeriod): Steps {
    yield {
      label: `${this.synchronizeName}: wait for ${gp.waitFor.length ? gp.waitFor.map((r) => `CPU${r.tid}`).join(',') : 'no readers'}`,
      accesses: [{ obj: this, mode: 'read' }],
      enabled: () => this.isComplete(gp),
      waitsFor: () => gp.waitFor.filter((r) => (this.ended[r.tid] ?? 0) <= r.endedBefore).map((r) => r.tid),
    };
    this.weakSynchronize();
  }

  /** The LKMM's srcu_read_lock() event (a read of the srcu_struct), under weak memory. */
  protected weakReadLock(): void {
    this.world.weak?.srcuReadLock(this, Tag.SRCU_LOCK);
  }

  /** srcu_read_unlock(): a write of the index srcu_read_lock() returned. */
  protected weakReadUnlock(): void {
    this.world.weak?.srcuReadUnlock(this, Tag.SRCU_UNLOCK);
  }

  /** The grace period as the LKMM sees it: one synchronize_srcu() event of this srcu_struct. */
  protected weakSynchronize(): void {
    this.world.weak?.synchronizeSrcu(this, Tag.SYNC_SRCU);
  }

  /** What the grace period is called in a trace. */
  protected get synchronizeName(): string {
    return `synchronize_srcu(${this.name})`;
  }

  describe(): string {
    const r = this.readers();
    return r.length ? `readers ${r.map((t) => `CPU${t}`).join(',')}` : 'no readers';
  }
}
