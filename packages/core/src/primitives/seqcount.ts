import { SimObject } from '../sim-object.js';
import type { Step, Steps } from '../step.js';
import type { World } from '../world.js';

/**
 * `seqcount_t`: writers make the sequence odd while they write; readers retry when it moved.
 * `read_seqcount_begin` spins while a write is in progress; here it blocks instead (a watch set).
 */
export class SeqCount extends SimObject {
  readonly kind: string = 'seqcount';
  /** The sequence number: odd while a writer is inside. */
  sequence = 0;
  private readonly beginStep: Step;
  private readonly retryStep: Step;
  private readonly writeBeginStep: Step;
  private readonly writeEndStep: Step;

  constructor(world: World, name: string) {
    super(world, name);
    const read = [{ obj: this, mode: 'read' as const }];
    const write = [{ obj: this, mode: 'write' as const }];
    this.beginStep = { label: `read_seqcount_begin(${name})`, accesses: read, enabled: () => (this.sequence & 1) === 0 };
    this.retryStep = { label: `read_seqcount_retry(${name})`, accesses: read };
    this.writeBeginStep = { label: `write_seqcount_begin(${name})`, accesses: write };
    this.writeEndStep = { label: `write_seqcount_end(${name})`, accesses: write };
  }

  /** One step: `read_seqcount_begin`, waiting for an even sequence; returns it. */
  *readBegin(): Steps<number> {
    yield this.beginStep;
    return this.sequence;
  }

  /** One step: `read_seqcount_retry(start)`: true when the reader must retry. */
  *readRetry(start: number): Steps<boolean> {
    yield this.retryStep;
    return this.sequence !== start;
  }

  /** One step: `write_seqcount_begin` (the sequence becomes odd). */
  *writeBegin(): Steps {
    yield this.writeBeginStep;
    this.sequence++;
  }

  /** One step: `write_seqcount_end` (the sequence becomes even again). */
  *writeEnd(): Steps {
    yield this.writeEndStep;
    this.sequence++;
  }

  describe(): string {
    return String(this.sequence);
  }
}
