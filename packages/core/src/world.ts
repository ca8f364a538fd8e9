import { Counter } from './primitives/counter.js';
import { Cpu, Cpus } from './primitives/cpus.js';
import { Lock, MUTEX, SPINLOCK } from './primitives/lock.js';
import { MmuNotifier, type MmuNotifierNames } from './primitives/mmu-notifier.js';
import { RwLock } from './primitives/rwlock.js';
import { SeqCount } from './primitives/seqcount.js';
import { Srcu } from './primitives/srcu.js';
import { Var } from './primitives/var.js';
import type { SimObject } from './sim-object.js';

/**
 * The shared memory of one run: it creates the primitives a model's state is made of, knows which
 * thread is running, and holds one CPU per thread. A new world is made for every run.
 */
export class World {
  /** Every shared object, in creation order (their ids). */
  readonly objects: SimObject[] = [];
  /** The thread whose step is running now (-1 outside a step). */
  current = -1;
  private readonly cpuList: Cpu[] = [];
  private cpusObj: Cpus | null = null;

  constructor(
    /** How many threads (CPUs) the scenario has. */
    readonly threadCount: number,
    /** The fixes enabled in this run's variant. */
    readonly fixes: ReadonlySet<string>,
  ) {
    // CPUs come first so that object ids are the same in every run of a scenario.
    for (let tid = 0; tid < threadCount; tid++) this.cpuList.push(new Cpu(this, tid));
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
    return new Var(this, name, initial);
  }

  /** A sequence or generation counter. */
  counter(name: string, initial = 0): Counter {
    return new Counter(this, name, initial);
  }

  /** A `spinlock_t`. */
  spinlock(name: string): Lock {
    return new Lock(this, name, SPINLOCK);
  }

  /** A `struct mutex`. */
  mutex(name: string): Lock {
    return new Lock(this, name, MUTEX);
  }

  /** An `rwlock_t`. */
  rwlock(name: string): RwLock {
    return new RwLock(this, name);
  }

  /** A `seqcount_t`. */
  seqcount(name: string): SeqCount {
    return new SeqCount(this, name);
  }

  /** A `struct srcu_struct`. */
  srcu(name: string): Srcu {
    return new Srcu(this, name);
  }

  /** The mmu-notifier `seq`/`count` pair. */
  mmuNotifier(names?: MmuNotifierNames): MmuNotifier {
    return new MmuNotifier(this, names);
  }
}
