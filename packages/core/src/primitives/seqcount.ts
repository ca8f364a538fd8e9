import { Tag } from '@kvmrace/memory/models';
import { SimObject, type ObjectWorld, type WeakHooks } from '../sim-object.js';
import { LazyStep, oneStep, yieldOf, type Access, type Step, type StepEffect, type StepSource, type Steps } from '../step.js';

const BEGIN = 0;
const RETRY = 1;
const WRITE_BEGIN = 2;
const WRITE_END = 3;

const LABELS = ['read_seqcount_begin', 'read_seqcount_retry', 'write_seqcount_begin', 'write_seqcount_end'];

/** The barriers of `seqcount_t`'s read and write sides (include/linux/seqlock.h), as toggles. */
export const SEQCOUNT_BARRIERS = {
  'read_seqcount_begin:smp_rmb': 'orders the sequence read before the reads of the data; pairs with write_seqcount_end:smp_wmb',
  'read_seqcount_retry:smp_rmb': 'orders the reads of the data before the sequence re-read; pairs with write_seqcount_begin:smp_wmb',
  'write_seqcount_begin:smp_wmb': 'orders the odd sequence before the writes of the data; pairs with read_seqcount_retry:smp_rmb',
  'write_seqcount_end:smp_wmb': 'orders the writes of the data before the even sequence; pairs with read_seqcount_begin:smp_rmb',
} as const;

const isEven = (v: unknown): boolean => ((v as number) & 1) === 0;

/** `enabled` of `read_seqcount_begin` (`this` is the step): an even sequence (one the reader may read, under weak memory). */
function beginEnabled(this: LazyStep, tid: number): boolean {
  const seq = this.source as SeqCount;
  const weak = seq.world.weak;
  if (weak !== null) return weak.canRead(seq, seq.sequence, tid, isEven);
  return (seq.sequence & 1) === 0;
}

/**
 * `seqcount_t`: writers make the sequence odd while they write; readers retry when it moved.
 * `read_seqcount_begin` spins while a write is in progress; here it blocks instead (a watch set).
 */
export class SeqCount extends SimObject implements StepEffect, StepSource {
  declare readonly kind: string;
  /** The sequence number: odd while a writer is inside. */
  declare sequence: number;
  /** Its four steps (by operation), made on first use. */
  private declare steps: IteratorYieldResult<Step>[] | null;

  constructor(world: ObjectWorld, name: string) {
    super(world, name);
    // Assigned here rather than as class fields, whose initializer would be a separate call.
    this.kind = 'seqcount';
    this.sequence = 0;
    this.steps = null;
  }

  /** Back to how `world.seqcount(name)` makes it, for a recycled world. @internal */
  reset(): this {
    this.sequence = 0;
    return this;
  }

  private take(op: number): IteratorYieldResult<Step> {
    let steps = this.steps;
    if (steps === null) {
      // The two read steps share one footprint, and so do the two write steps.
      const begin = new LazyStep(this, BEGIN, undefined, undefined, beginEnabled);
      const writeBegin = new LazyStep(this, WRITE_BEGIN);
      steps = [yieldOf(begin), yieldOf(new LazyStep(this, RETRY, undefined, begin)), yieldOf(writeBegin), yieldOf(new LazyStep(this, WRITE_END, undefined, writeBegin))];
      this.steps = steps;
    }
    return steps[op] as IteratorYieldResult<Step>;
  }

  /** @internal */
  stepLabel(op: number): string {
    return `${LABELS[op] as string}(${this.name})`;
  }

  /** @internal */
  stepAccesses(op: number): readonly Access[] {
    return [{ obj: this, mode: op === BEGIN || op === RETRY ? 'read' : 'write' }];
  }

  /** One step: `read_seqcount_begin`, waiting for an even sequence; returns it. */
  readBegin(): Steps<number> {
    return oneStep<number>(this.take(BEGIN), this, BEGIN);
  }

  /** One step: `read_seqcount_retry(start)`: true when the reader must retry. */
  readRetry(start: number): Steps<boolean> {
    return oneStep<boolean>(this.take(RETRY), this, RETRY, start);
  }

  /** One step: `write_seqcount_begin` (the sequence becomes odd). */
  writeBegin(): Steps {
    return oneStep<void>(this.take(WRITE_BEGIN), this, WRITE_BEGIN);
  }

  /** One step: `write_seqcount_end` (the sequence becomes even again). */
  writeEnd(): Steps {
    return oneStep<void>(this.take(WRITE_END), this, WRITE_END);
  }

  /** @internal */
  stepEffect(op: number, arg: unknown): unknown {
    const weak = this.world.weak;
    if (weak !== null) return this.weakEffect(weak, op, arg);
    switch (op) {
      case BEGIN:
        return this.sequence;
      case RETRY:
        return this.sequence !== arg;
      default:
        this.sequence++;
        return undefined;
    }
  }

  /**
   * Under a weak memory model, as include/linux/seqlock.h builds it: `read_seqcount_begin()` spins
   * on `READ_ONCE(s->sequence)` until even (here: reads one of the even values it may see) then
   * `smp_rmb()`; `read_seqcount_retry()` is `smp_rmb()` then a re-read; the writer's
   * `s->sequence++` is followed (begin) or preceded (end) by `smp_wmb()`. The kernel's increment is
   * a plain access that KCSAN is told about; here it is marked, so it is no data race.
   */
  private weakEffect(weak: WeakHooks, op: number, arg: unknown): unknown {
    switch (op) {
      case BEGIN: {
        const start = weak.read(this, this.sequence, Tag.ONCE, isEven);
        weak.fence(Tag.F_RMB, 'read_seqcount_begin:smp_rmb');
        return start;
      }
      case RETRY:
        weak.fence(Tag.F_RMB, 'read_seqcount_retry:smp_rmb');
        return weak.read(this, this.sequence, Tag.ONCE) !== arg;
      case WRITE_BEGIN:
        this.weakIncrement(weak);
        weak.fence(Tag.F_WMB, 'write_seqcount_begin:smp_wmb');
        return undefined;
      default:
        weak.fence(Tag.F_WMB, 'write_seqcount_end:smp_wmb');
        this.weakIncrement(weak);
        return undefined;
    }
  }

  /** `s->sequence++` by the one writer: it reads its own latest value. */
  private weakIncrement(weak: WeakHooks): void {
    weak.readLatest(this, this.sequence, Tag.ONCE);
    weak.writeLatest(this, this.sequence, Tag.ONCE, this.sequence + 1);
    this.sequence++;
  }

  describe(): string {
    return String(this.sequence);
  }
}
