import { LazyStep, type Access, type StepSource, type Steps } from '../step.js';
import type { Counter } from './counter.js';

/** The two steps that are not the counters' own. */
const RETRY = 0;
const RANGE_END = 1;

/** Kernel names for the two counters (they were renamed over the years). */
export interface MmuNotifierNames {
  /** `kvm->mmu_notifier_seq` (later `mmu_invalidate_seq`). */
  readonly seq: string;
  /** `kvm->mmu_notifier_count` (later `mmu_invalidate_in_progress`, or pfncache's `mn_active_invalidate_count`). */
  readonly count: string;
}

/** Where the mmu notifier gets its two counters (`World` is one). */
export interface CounterFactory {
  /** A sequence or generation counter. */
  counter(name: string, initial?: number): Counter;
}

/**
 * The KVM side of the mmu notifier: `invalidate_range_start` raises `count`,
 * `invalidate_range_end` bumps `seq` and lowers `count`, and a fault that sampled `seq` before
 * translating asks `mmu_notifier_retry(mmu_seq)` under `mmu_lock` whether it must retry.
 * The caller takes `mmu_lock` (or whatever lock the kernel uses) around these steps itself.
 */
export class MmuNotifier implements StepSource {
  /** Bumped at the end of every invalidation (and by whoever else changes mappings). */
  declare readonly seq: Counter;
  /** Invalidations in progress (between start and end). */
  declare readonly count: Counter;

  constructor(world: CounterFactory, names: MmuNotifierNames = { seq: 'mmu_notifier_seq', count: 'mmu_notifier_count' }) {
    this.seq = world.counter(names.seq, 0);
    this.count = world.counter(names.count, 0);
  }

  /** @internal */
  stepLabel(): string {
    return `${this.seq.name}++; ${this.count.name}--`; // the retry step has its own label
  }

  /** @internal */
  stepAccesses(kind: number): readonly Access[] {
    if (kind === RETRY) {
      return [
        { obj: this.count, mode: 'read' },
        { obj: this.seq, mode: 'read' },
      ];
    }
    return [
      { obj: this.seq, mode: 'write' },
      { obj: this.count, mode: 'write' },
    ];
  }

  /** One step: `mmu_seq = kvm->mmu_notifier_seq; smp_rmb();` */
  readSeq(): Steps<number> {
    return this.seq.read(`mmu_seq = ${this.seq.name}`);
  }

  /** One step: `mmu_notifier_retry(kvm, mmu_seq)`: true if an invalidation is in progress or happened since. */
  *retry(mmuSeq: number): Steps<boolean> {
    yield new LazyStep(this, RETRY, `mmu_notifier_retry(mmu_seq=${mmuSeq})`);
    return this.count.value !== 0 || this.seq.value !== mmuSeq;
  }

  /** One step: the counter half of `invalidate_range_start` (`count++`). */
  *invalidateRangeStart(): Steps {
    yield* this.count.increment();
  }

  /** One step: the counter half of `invalidate_range_end` (`seq++; smp_wmb(); count--`). */
  *invalidateRangeEnd(): Steps {
    yield new LazyStep(this, RANGE_END);
    this.seq.value = this.seq.value + 1;
    this.count.value = this.count.value - 1;
  }
}
