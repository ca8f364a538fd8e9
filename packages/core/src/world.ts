import { Counter } from './primitives/counter.js';
import { Cpu, Cpus } from './primitives/cpus.js';
import { Lock, MUTEX, SPINLOCK, type LockFlavour } from './primitives/lock.js';
import { MmuNotifier, type MmuNotifierNames } from './primitives/mmu-notifier.js';
import { RwLock } from './primitives/rwlock.js';
import { SeqCount } from './primitives/seqcount.js';
import { Rcu } from './primitives/rcu.js';
import { Srcu } from './primitives/srcu.js';
import { Var } from './primitives/var.js';
import type { LockWatch, ObjectWorld, SimObject, WeakHooks } from './sim-object.js';

/**
 * The shared memory of one run: it creates the primitives a model's state is made of, knows which
 * thread is running, and holds one CPU per thread. A new world is made for every run.
 */
export class World implements ObjectWorld {
  /** Every shared object, in creation order (their ids). */
  readonly objects: SimObject[] = [];
  /** The array `objects` was in the run before (recycling swaps the two arrays instead of copying). */
  private spareArray: SimObject[] | null = null;
  /** The thread whose step is running now (-1 outside a step). */
  current = -1;
  /** Set by each run: where its locks report acquisitions, when lock orders are recorded. */
  lockWatch: LockWatch | null = null;
  /** Set by each run: its weak memory under `tso` or `lkmm`, null under `sc`. */
  weak: WeakHooks | null = null;
  private readonly cpuList: Cpu[] = [];
  private cpusObj: Cpus | null = null;
  /** The fixes enabled in this run's variant. */
  private fixSet: ReadonlySet<string>;
  /**
   * The objects of the world's previous run while it is being recycled: the factories hand them
   * out again, reset, for as long as the model asks for the same objects in the same order.
   */
  private bin: SimObject[] | null = null;

  constructor(
    /** How many threads (CPUs) the scenario has. */
    readonly threadCount: number,
    fixes: ReadonlySet<string>,
  ) {
    this.fixSet = fixes;
    // CPUs come first so that object ids are the same in every run of a scenario.
    for (let tid = 0; tid < threadCount; tid++) this.cpuList.push(new Cpu(this, tid));
  }

  /** The fixes enabled in this run's variant. */
  get fixes(): ReadonlySet<string> {
    return this.fixSet;
  }

  /**
   * Makes the world ready for another run of a model it has run, with `fixes`: every object is
   * reset to how its factory made it, and handed out again by the same factory call (same class,
   * same name, same place in the order), which saves making a run's objects anew. Only for one
   * who owns the world: nothing of the previous run may be used after this. @internal
   */
  recycle(fixes: ReadonlySet<string>): void {
    const old = this.objects;
    const objects = this.spareArray ?? [];
    objects.length = 0;
    this.bin = old;
    this.spareArray = old;
    (this as { objects: SimObject[] }).objects = objects;
    this.current = -1;
    this.fixSet = fixes;
    for (const cpu of this.cpuList) {
      cpu.reset();
      objects.push(cpu);
    }
  }

  /** The previous run's object made next by the factory of `cls` with `name`, if the world is recycling and it is one. */
  private reuse<T extends SimObject>(cls: abstract new (...args: never[]) => T, name: string): T | null {
    const bin = this.bin;
    if (bin === null) return null;
    const objects = this.objects;
    const old = bin[objects.length];
    if (old !== undefined && old.constructor === cls && old.name === name) {
      objects.push(old);
      return old as T;
    }
    this.bin = null; // the run went another way: make the rest anew
    return null;
  }

  /** The CPUs, for IPIs (`w.cpus.onEachCpu(...)`). */
  get cpus(): Cpus {
    return (this.cpusObj ??= new Cpus(this));
  }

  /** Called by every object's constructor; returns its id. */
  register(obj: SimObject): number {
    this.objects.push(obj);
    return this.objects.length - 1;
  }

  /** Ids of every thread of the run. */
  threadIds(): number[] {
    return Array.from({ length: this.threadCount }, (_, i) => i);
  }

  /** True when the named fix is enabled in this run. */
  fixed(name: string): boolean {
    return this.fixes.has(name);
  }

  /** The CPU of a thread. */
  cpu(tid: number): Cpu {
    const c = this.cpuList[tid];
    if (!c) throw new RangeError(`no CPU${tid} in a ${this.threadCount}-thread run`);
    return c;
  }

  /** A shared variable. */
  var<T>(name: string, initial: T): Var<T> {
    return this.reuse<Var<T>>(Var, name)?.reset(initial) ?? new Var(this, name, initial);
  }

  /** A sequence or generation counter. */
  counter(name: string, initial = 0): Counter {
    return this.reuse(Counter, name)?.reset(initial) ?? new Counter(this, name, initial);
  }

  /** A `spinlock_t`. */
  spinlock(name: string): Lock {
    return this.lock(name, SPINLOCK);
  }

  /** A `struct mutex`. */
  mutex(name: string): Lock {
    return this.lock(name, MUTEX);
  }

  private lock(name: string, flavour: LockFlavour): Lock {
    return this.reuse(Lock, name)?.reset(flavour) ?? new Lock(this, name, flavour);
  }

  /** An `rwlock_t`. */
  rwlock(name: string): RwLock {
    return this.reuse(RwLock, name)?.reset() ?? new RwLock(this, name);
  }

  /** A `seqcount_t`. */
  seqcount(name: string): SeqCount {
    return this.reuse(SeqCount, name)?.reset() ?? new SeqCount(this, name);
  }

  /** A `struct srcu_struct`. */
  srcu(name: string): Srcu {
    return this.reuse(Srcu, name)?.reset() ?? new Srcu(this, name);
  }

  /** Classic RCU (`rcu_read_lock()`, `synchronize_rcu()`): one per model is enough. */
  rcu(name = 'rcu'): Rcu {
    return this.reuse(Rcu, name)?.reset() ?? new Rcu(this, name);
  }

  /** The mmu-notifier `seq`/`count` pair. */
  mmuNotifier(names?: MmuNotifierNames): MmuNotifier {
    return new MmuNotifier(this, names);
  }
}
