import { ModelMisuseError } from '../faults.js';
import { SimObject } from '../sim-object.js';
import { oneStep, yieldOf, type Access, type Step, type StepEffect, type Steps } from '../step.js';
import type { World } from '../world.js';

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

/** The blocking acquire step of a lock, with its predicates as methods rather than closures. */
class AcquireStep implements Step {
  constructor(
    private readonly lock: Lock,
    readonly label: string,
    readonly accesses: readonly Access[],
  ) {}

  enabled(): boolean {
    return this.lock.holder === -1;
  }

  waitsFor(): readonly number[] {
    return this.lock.holder === -1 ? [] : [this.lock.holder];
  }
}

/**
 * A non-reentrant binary lock: `lock()` blocks while another thread holds it. Spinlocks and
 * mutexes share it; the flavour only changes the names shown in traces.
 */
export class Lock extends SimObject implements StepEffect {
  readonly kind: string = 'lock';
  /** The holding thread, or -1 when free. */
  holder = -1;
  /** The acquire and release steps, made on first use (a variant may never take the lock). */
  private acquireY: IteratorYieldResult<Step> | null = null;
  private releaseY: IteratorYieldResult<Step> | null = null;

  constructor(world: World, name: string, readonly flavour: LockFlavour = SPINLOCK) {
    super(world, name);
  }

  private makeSteps(): void {
    const accesses = [{ obj: this, mode: 'write' as const }];
    this.acquireY = yieldOf(new AcquireStep(this, `${this.flavour.lockFn}(${this.name})`, accesses));
    this.releaseY = yieldOf({ label: `${this.flavour.unlockFn}(${this.name})`, accesses });
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
      return undefined;
    }
    if (this.holder !== this.world.current) {
      throw new ModelMisuseError(`${this.flavour.unlockFn}(${this.name}) by CPU${this.world.current}, which does not hold it`);
    }
    this.holder = -1;
    return undefined;
  }

  describe(): string {
    return this.holder === -1 ? 'free' : `held by CPU${this.holder}`;
  }
}
