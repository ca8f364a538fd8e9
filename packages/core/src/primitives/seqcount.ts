import { SimObject, type ObjectWorld } from '../sim-object.js';
import { LazyStep, oneStep, yieldOf, type Access, type Step, type StepEffect, type StepSource, type Steps } from '../step.js';

const BEGIN = 0;
const RETRY = 1;
const WRITE_BEGIN = 2;
const WRITE_END = 3;

const LABELS = ['read_seqcount_begin', 'read_seqcount_retry', 'write_seqcount_begin', 'write_seqcount_end'];

/** `enabled` of `read_seqcount_begin` (`this` is the step): an even sequence. */
function beginEnabled(this: LazyStep): boolean {
  return ((this.source as SeqCount).sequence & 1) === 0;
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

  describe(): string {
    return String(this.sequence);
  }
}
