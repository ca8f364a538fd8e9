import { ModelMisuseError } from '../faults.js';
import { SimObject } from '../sim-object.js';
import type { Step, Steps } from '../step.js';
import type { World } from '../world.js';

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
export class Srcu extends SimObject {
  readonly kind: string = 'srcu';
  /** Read-section nesting depth per thread. */
  private readonly depth: number[] = [];
  /** How many outermost read sections each thread has ended. */
  private readonly ended: number[] = [];
  private readonly readLockStep: Step;
  private readonly readUnlockStep: Step;
  private readonly snapshotStep: Step;

  constructor(world: World, name: string) {
    super(world, name);
    const write = [{ obj: this, mode: 'write' as const }];
    this.readLockStep = { label: `srcu_read_lock(${name})`, accesses: write };
    this.readUnlockStep = { label: `srcu_read_unlock(${name})`, accesses: write };
    this.snapshotStep = { label: `synchronize_srcu(${name}): snapshot readers`, accesses: [{ obj: this, mode: 'read' }] };
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
  *readLock(): Steps {
    yield this.readLockStep;
    const tid = this.world.current;
    this.depth[tid] = (this.depth[tid] ?? 0) + 1;
  }

  /** One step: `srcu_read_unlock`. */
  *readUnlock(): Steps {
    yield this.readUnlockStep;
    const tid = this.world.current;
    const d = this.depth[tid] ?? 0;
    if (d === 0) throw new ModelMisuseError(`srcu_read_unlock(${this.name}) by CPU${tid} outside a read section`);
    this.depth[tid] = d - 1;
    if (d === 1) this.ended[tid] = (this.ended[tid] ?? 0) + 1;
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
      label: `synchronize_srcu(${this.name}): wait for ${gp.waitFor.length ? gp.waitFor.map((r) => `CPU${r.tid}`).join(',') : 'no readers'}`,
      accesses: [{ obj: this, mode: 'read' }],
      enabled: () => this.isComplete(gp),
      waitsFor: () => gp.waitFor.filter((r) => (this.ended[r.tid] ?? 0) <= r.endedBefore).map((r) => r.tid),
    };
  }

  describe(): string {
    const r = this.readers();
    return r.length ? `readers ${r.map((t) => `CPU${t}`).join(',')}` : 'no readers';
  }
}
