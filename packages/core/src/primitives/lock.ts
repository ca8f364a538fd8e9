import { Tag } from '@kvmrace/memory/models';
import { ModelMisuseError } from '../faults.js';
import { SimObject, type ObjectWorld } from '../sim-object.js';
import { LazyStep, oneStep, yieldOf, type Access, type Step, type StepEffect, type StepSource, type Steps } from '../step.js';

/** The kernel's names for one flavour of binary lock. */
export interface LockFlavour {
  readonly lockFn: string;
  readonly unlockFn: string;
}

/** `spinlock_t`: spin_lock / spin_unlock. */
export const SPINLOCK: LockFlavour = { lockFn: 'spin_lock', unlockFn: 'spin_unlock' };
/** `struct mutex`: mutex_lock / mutex_unlock (sleeping; the model treats it like a spinlock). */
export const MUTEX: LockFlavour = { lockFn: 'mutex_lock', unlockFn: 'mutex_unlock' };

const ACQUIRE = 0;
const RELEASE = 1;

/** `enabled` of a lock's acquire step (`this` is the step). */
function acquireEnabled(this: LazyStep): boolean {
  return (this.source as Lock).holder === -1;
}

/** `waitsFor` of a lock's acquire step. */
function acquireWaitsFor(this: LazyStep): readonly number[] {
  const holder = (this.source as Lock).holder;
  return holder === -1 ? [] : [holder];
}

/**
 * A non-reentrant binary lock: `lock()` blocks while another thread holds it. Spinlocks and
 * mutexes share it; the flavour only changes the names shown in traces.
 */
export class Lock extends SimObject implements StepEffect, StepSource {
  /** The kernel's names for its operations. */
  declare readonly flavour: LockFlavour;
  declare readonly kind: string;
  /** The holding thread, or -1 when free. */
  declare holder: number;
  /** The acquire and release steps, made on first use (a variant may never take the lock). */
  private declare acquireY: IteratorYieldResult<Step> | null;
  private declare releaseY: IteratorYieldResult<Step> | null;

  constructor(world: ObjectWorld, name: string, flavour: LockFlavour = SPINLOCK) {
    super(world, name);
    // Assigned here rather than as class fields, whose initializer would be a separate call.
    this.flavour = flavour;
    this.kind = 'lock';
    this.holder = -1;
    this.acquireY = null;
    this.releaseY = null;
  }

  /** Back to how the world's factory makes it, for a recycled world. @internal */
  reset(flavour: LockFlavour): this {
    if (flavour !== this.flavour) {
      (this as { flavour: LockFlavour }).flavour = flavour;
      // Its steps' labels name the flavour: make them again.
      this.acquireY = null;
      this.releaseY = null;
    }
    this.holder = -1;
    return this;
  }

  private makeSteps(): void {
    const acquire = new LazyStep(this, ACQUIRE, undefined, undefined, acquireEnabled, acquireWaitsFor);
    this.acquireY = yieldOf(acquire);
    // The release step shares the acquire step's footprint.
    this.releaseY = yieldOf(new LazyStep(this, RELEASE, undefined, acquire));
  }

  /** @internal */
  stepLabel(op: number): string {
    return `${op === ACQUIRE ? this.flavour.lockFn : this.flavour.unlockFn}(${this.name})`;
  }

  /** @internal */
  stepAccesses(): readonly Access[] {
    return [{ obj: this, mode: 'write' }];
  }

  /** True when no thread holds the lock. */
  get isFree(): boolean {
    return this.holder === -1;
  }

  /** One step: acquire, blocking while held. Taking a lock one already holds is a self-deadlock. */
  lock(): Steps {
    if (this.acquireY === null) this.makeSteps();
    return oneStep<void>(this.acquireY as IteratorYieldResult<Step>, this, ACQUIRE);
  }

  /** One step: release; the caller must hold the lock. */
  unlock(): Steps {
    if (this.releaseY === null) this.makeSteps();
    return oneStep<void>(this.releaseY as IteratorYieldResult<Step>, this, RELEASE);
  }

  /** @internal */
  stepEffect(op: number): undefined {
    if (op === ACQUIRE) {
      this.holder = this.world.current;
      this.world.lockWatch?.acquire(this, this.holder, false);
      // spin_lock(): an acquire read-modify-write of the lock word that reads it unlocked (LKMM
      // explanation.txt §23); a mutex is taken to order memory as a spinlock does.
      this.world.weak?.rmw(this, 0, Tag.LKR | Tag.ACQUIRE | Tag.LOCKED, Tag.LKW | Tag.LOCKED, TAKEN);
      return undefined;
    }
    if (this.holder !== this.world.current) {
      throw new ModelMisuseError(`${this.flavour.unlockFn}(${this.name}) by CPU${this.world.current}, which does not hold it`);
    }
    this.holder = -1;
    this.world.lockWatch?.release(this, this.world.current);
    this.world.weak?.writeLatest(this, 0, Tag.UL | Tag.RELEASE, 0); // spin_unlock(): a release store

    return undefined;
  }

  describe(): string {
    const h = this.holder;
    if (h === -1) return 'free';
    if (h >= 0 && h < 64) return (HELD_BY[h] ??= `held by CPU${h}`);
    return `held by CPU${h}`;
  }
}

/** The lock word once taken. */
const TAKEN = (): number => 1;

/** `held by CPU<n>`, made once per n (traces describe every lock they touch). */
const HELD_BY: string[] = [];
