import type { SimObject } from '../sim-object.js';
import { irqContextOf, irqUsageKey, type IrqUsageWitness } from './lock-order-irq-usage.js';
import type { LockWatch, LockWatchFactory, WatchedRun } from './lock-order-watch.js';

/**
 * One dependency of the lock-order graph, as lockdep records it: `to` was taken while `from` was
 * held. Locks are named by their kernel name (lockdep's lock class), not by instance.
 */
export interface LockOrderWitness {
  /** The lock held. */
  readonly from: string;
  /** True when `from` was held for reading (an rwlock's read side). */
  readonly fromShared: boolean;
  /** The lock taken. */
  readonly to: string;
  /** True when `to` was taken for reading. */
  readonly toShared: boolean;
  /** The thread that took both. */
  readonly thread: number;
  /** The first execution where it was seen: its scenario, and its schedule up to the step that took `to`. */
  readonly scenario: readonly (readonly string[])[];
  readonly schedule: readonly number[];
  /** Index of the step that took `from`. */
  readonly heldStep: number;
}

/** The key of a dependency: the two locks and the sides they were taken on. */
export function dependencyKey(d: Pick<LockOrderWitness, 'from' | 'fromShared' | 'to' | 'toShared'>): string {
  return `${d.from}\u0000${d.fromShared ? 'r' : 'w'}\u0000${d.to}\u0000${d.toShared ? 'r' : 'w'}`;
}

/** A lock a thread holds, with the step that took it. */
interface Held {
  readonly obj: SimObject;
  readonly shared: boolean;
  readonly step: number;
}

/**
 * Records, across every run made while it is active (see `withLockWatch`), each lock dependency
 * once with the first execution that showed it. Order of recording follows the search, so the
 * witnesses are deterministic.
 */
export class LockOrderRecorder implements LockWatchFactory {
  /** Every dependency seen, by `dependencyKey`, in the order first seen. */
  readonly dependencies = new Map<string, LockOrderWitness>();
  /** Every lock taken with interrupts on or in an interrupt handler, by `irqUsageKey`, first seen first. */
  readonly irqUsages = new Map<string, IrqUsageWitness>();

  watchRun(run: WatchedRun): LockWatch {
    return new RunLockWatch(run, this.dependencies, this.irqUsages);
  }
}

/** The held locks of each thread of one run, and the dependencies their acquisitions add. */
class RunLockWatch implements LockWatch {
  private readonly held: Held[][] = [];

  constructor(
    private readonly run: WatchedRun,
    private readonly dependencies: Map<string, LockOrderWitness>,
    private readonly irqUsages: Map<string, IrqUsageWitness>,
  ) {}

  acquire(lock: SimObject, tid: number, shared: boolean): void {
    const held = (this.held[tid] ??= []);
    const step = this.run.schedule.length - 1;
    const context = irqContextOf(this.run.world.cpu(tid).state);
    if (context !== undefined) {
      const key = irqUsageKey(lock.name, shared, context);
      if (!this.irqUsages.has(key)) {
        this.irqUsages.set(key, { lock: lock.name, shared, context, thread: tid, scenario: this.run.scenario, schedule: this.run.schedule.slice(), held: held.map((h) => h.obj.name) });
      }
    }
    for (const h of held) {
      if (h.obj.name === lock.name) continue; // two instances of one class: lockdep's nesting annotations, not modelled
      const key = dependencyKey({ from: h.obj.name, fromShared: h.shared, to: lock.name, toShared: shared });
      if (this.dependencies.has(key)) continue;
      this.dependencies.set(key, {
        from: h.obj.name,
        fromShared: h.shared,
        to: lock.name,
        toShared: shared,
        thread: tid,
        scenario: this.run.scenario,
        schedule: this.run.schedule.slice(),
        heldStep: h.step,
      });
    }
    held.push({ obj: lock, shared, step });
  }

  release(lock: SimObject, tid: number): void {
    const held = this.held[tid];
    if (held === undefined) return;
    // Locks need not be released in the order taken: drop the latest hold of this one.
    for (let i = held.length - 1; i >= 0; i--) {
      if ((held[i] as Held).obj === lock) {
        held.splice(i, 1);
        return;
      }
    }
  }
}
