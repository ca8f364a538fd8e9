import { ModelMisuseError } from '../faults.js';
import { SimObject } from '../sim-object.js';
import type { Step, Steps } from '../step.js';
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

/**
 * A non-reentrant binary lock: `lock()` blocks while another thread holds it. Spinlocks and
 * mutexes share it; the flavour only changes the names shown in traces.
 */
export class Lock extends SimObject {
  readonly kind: string = 'lock';
  /** The holding thread, or -1 when free. */
  holder = -1;
  private readonly acquireStep: Step;
  private readonly releaseStep: Step;

  constructor(world: World, name: string, readonly flavour: LockFlavour = SPINLOCK) {
    super(world, name);
    const accesses = [{ obj: this, mode: 'write' as const }];
    this.acquireStep = {
      label: `${flavour.lockFn}(${name})`,
      accesses,
      enabled: () => this.holder === -1,
      waitsFor: () => (this.holder === -1 ? [] : [this.holder]),
    };
    this.releaseStep = { label: `${flavour.unlockFn}(${name})`, accesses };
  }

  /** True when no thread holds the lock. */
  get isFree(): boolean {
    return this.holder === -1;
  }

  /** One step: acquire, blocking while held. Taking a lock one already holds is a self-deadlock. */
  *lock(): Steps {
    yield this.acquireStep;
    this.holder = this.world.current;
  }

  /** One step: release; the caller must hold the lock. */
  *unlock(): Steps {
    yield this.releaseStep;
    if (this.holder !== this.world.current) {
      throw new ModelMisuseError(`${this.flavour.unlockFn}(${this.name}) by CPU${this.world.current}, which does not hold it`);
    }
    this.holder = -1;
  }

  describe(): string {
    return this.holder === -1 ? 'free' : `held by CPU${this.holder}`;
  }
}
