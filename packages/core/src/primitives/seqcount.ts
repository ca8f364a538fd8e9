import { SimObject } from '../sim-object.js';
import { oneStep, yieldOf, type Step, type StepEffect, type Steps } from '../step.js';
import type { World } from '../world.js';

const BEGIN = 0;
const RETRY = 1;
const WRITE_BEGIN = 2;
const WRITE_END = 3;

/**
 * `seqcount_t`: writers make the sequence odd while they write; readers retry when it moved.
 * `read_seqcount_begin` spins while a write is in progress; here it blocks instead (a watch set).
 */
export class SeqCount extends SimObject implements StepEffect {
  readonly kind: string = 'seqcount';
  /** The sequence number: odd while a writer is inside. */
  sequence = 0;
  private readonly beginYield: IteratorYieldResult<Step>;
  private readonly retryYield: IteratorYieldResult<Step>;
  private readonly writeBeginYield: IteratorYieldResult<Step>;
  private readonly writeEndYield: IteratorYieldResult<Step>;

  constructor(world: World, name: string) {
    super(world, name);
    const read = [{ obj: this, mode: 'read' as const }];
    const write = [{ obj: this, mode: 'write' as const }];
    this.beginYield = yieldOf({ label: `read_seqcount_begin(${name})`, accesses: read, enabled: () => (this.sequence & 1) === 0 });
    this.retryYield = yieldOf({ label: `read_seqcount_retry(${name})`, accesses: read });
    this.writeBeginYield = yieldOf({ label: `write_seqcount_begin(${name})`, accesses: write });
    this.writeEndYield = yieldOf({ label: `write_seqcount_end(${name})`, accesses: write });
  }

  /** One step: `read_seqcount_begin`, waiting for an even sequence; returns it. */
  readBegin(): Steps<number> {
    return oneStep<number>(this.beginYield, this, BEGIN);
  }

  /** One step: `read_seqcount_retry(start)`: true when the reader must retry. */
  readRetry(start: number): Steps<boolean> {
    return oneStep<boolean>(this.retryYield, this, RETRY, start);
  }

  /** One step: `write_seqcount_begin` (the sequence becomes odd). */
  writeBegin(): Steps {
    return oneStep<void>(this.writeBeginYield, this, WRITE_BEGIN);
  }

  /** One step: `write_seqcount_end` (the sequence becomes even again). */
  writeEnd(): Steps {
    return oneStep<void>(this.writeEndYield, this, WRITE_END);
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
