import { Tag } from '@kvmrace/memory/models';
import { LazyStep, type Access, type StepSource, type Steps } from '../step.js';
import type { Counter } from './counter.js';

/**
 * The barriers of the KVM mmu notifier's counters, as toggles (include/linux/kvm_host.h
 * mmu_invalidate_retry(), virt/kvm/kvm_main.c kvm_mmu_invalidate_end(); before v6.1
 * mmu_notifier_retry() and kvm_mmu_notifier_invalidate_range_end()). The comment in
 * mmu_invalidate_retry() pairs them: the caller "either sees the old (non-zero) value of
 * mmu_invalidate_in_progress or the new (incremented) value of mmu_invalidate_seq".
 */
export const MMU_NOTIFIER_BARRIERS = {
  'mmu_invalidate_retry:smp_rmb': 'orders the read of the in-progress count before the read of the sequence; pairs with kvm_mmu_invalidate_end:smp_wmb',
  'kvm_mmu_invalidate_end:smp_wmb': 'orders the sequence bump before the in-progress count drops; pairs with mmu_invalidate_retry:smp_rmb',
} as const;

/** A counter's coherence-latest value without an access of its own (`value` inside a step is one). */
const latest = (c: Counter): number => (c as unknown as { current: number }).current;

/** The sequence counters of every mmu notifier made, so that `modelBarriers` finds the primitive in a world. */
export const MMU_NOTIFIER_SEQS = new WeakSet<object>();

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
    MMU_NOTIFIER_SEQS.add(this.seq);
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

  /**
   * One step: `mmu_seq = kvm->mmu_notifier_seq; smp_rmb();` in the kernel function `place` (the
   * model declares the toggle `place:smp_rmb`; it orders the sequence read before the page walk
   * that follows). The kernel's read is plain; here it is marked (READ_ONCE), so that the LKMM
   * judges its ordering rather than flagging the lockless read of a word the kernel knows it races on.
   */
  *readSeq(place?: string): Steps<number> {
    const mmuSeq = yield* this.seq.read(`mmu_seq = ${this.seq.name}`);
    if (place !== undefined) this.seq.world.weak?.fence(Tag.F_RMB, `${place}:smp_rmb`);
    return mmuSeq;
  }

  /** One step: `mmu_invalidate_retry(kvm, mmu_seq)`: true if an invalidation is in progress or happened since. */
  *retry(mmuSeq: number): Steps<boolean> {
    yield new LazyStep(this, RETRY, `mmu_notifier_retry(mmu_seq=${mmuSeq})`);
    return this.retryCheck(mmuSeq, 'mmu_invalidate_retry');
  }

  /**
   * The test of `mmu_invalidate_retry()` inside a step the caller takes (pfncache's
   * `mmu_notifier_retry_cache()` has its own, `place` names it): `if (count) return 1; smp_rmb();
   * return seq != mmu_seq`. Under a weak memory model each read may see an older write, and the
   * `place:smp_rmb` toggle orders them.
   */
  retryCheck(mmuSeq: number, place: string): boolean {
    const weak = this.seq.world.weak;
    if (weak === null) return this.count.value !== 0 || this.seq.value !== mmuSeq;
    if (weak.read(this.count, latest(this.count), Tag.ONCE) !== 0) return true;
    weak.fence(Tag.F_RMB, `${place}:smp_rmb`);
    return weak.read(this.seq, latest(this.seq), Tag.ONCE) !== mmuSeq;
  }

  /** One step: the counter half of `invalidate_range_start` (`count++`). */
  *invalidateRangeStart(): Steps {
    yield* this.count.increment();
  }

  /** One step: the counter half of `invalidate_range_end` (`kvm_mmu_invalidate_end()`: `seq++; smp_wmb(); count--`). */
  *invalidateRangeEnd(): Steps {
    yield new LazyStep(this, RANGE_END);
    this.seq.value = this.seq.value + 1;
    this.seq.world.weak?.fence(Tag.F_WMB, 'kvm_mmu_invalidate_end:smp_wmb');
    this.count.value = this.count.value - 1;
  }
}
