import { defineModel, type SeqCount, type Thread, type Var } from '@kvmrace/core';

/** Shared state: a pair the writer keeps equal, the seqcount that guards it, and what readers saw. */
export interface SeqcountReaderState {
  /** `seq`, the seqcount_t. */
  readonly seq: SeqCount;
  /** The pair's first half. */
  readonly lo: Var<number>;
  /** The pair's second half. */
  readonly hi: Var<number>;
  /** Ghost: the pairs readers returned. */
  readonly seen: Array<readonly [number, number]>;
}

type Fix = 'reader-retries';

/** The writer: `write_seqcount_begin; lo++; hi++; write_seqcount_end` (update_pair()). */
function* updatePair(s: SeqcountReaderState) {
  yield* s.seq.writeBegin();
  yield* s.lo.update((v) => v + 1, 'pair->lo++');
  yield* s.hi.update((v) => v + 1, 'pair->hi++');
  yield* s.seq.writeEnd();
}

/** The reader: read both halves; with the fix, retry while `read_seqcount_retry` says so (read_pair()). */
function* readPair(s: SeqcountReaderState, t: Thread<Fix>) {
  for (let attempt = 0; ; attempt++) {
    const start = yield* s.seq.readBegin();
    const lo = yield* s.lo.read('lo = pair->lo');
    const hi = yield* s.hi.read('hi = pair->hi');
    if (!t.fixed('reader-retries')) {
      s.seen.push([lo, hi]);
      return;
    }
    if (!(yield* s.seq.readRetry(start))) {
      s.seen.push([lo, hi]);
      return;
    }
    if (attempt === 2) t.gaveUp('read_pair retried 3 times');
  }
}

/** The invariant: every pair a reader returned has equal halves; a string explains a failure. */
function noTornRead(s: SeqcountReaderState): true | string {
  const torn = s.seen.find(([lo, hi]) => lo !== hi);
  return torn === undefined || `a reader returned lo=${torn[0]}, hi=${torn[1]}`;
}

/**
 * A seqcount reader that forgets to call `read_seqcount_retry`: it can return a torn pair, one half
 * from before a concurrent write and one from after. The tutorial in docs/writing-a-model.md builds it.
 */
export const seqcountReader = defineModel({
  name: 'seqcount-reader',
  title: 'A seqcount reader that forgets to retry',
  summary: 'The writer bumps both halves of a pair inside write_seqcount_begin/end; a reader that does not check read_seqcount_retry can return a torn pair.',
  fixes: { 'reader-retries': { commit: '000000000000', summary: 'read_pair() loops while read_seqcount_retry() says the pair changed' } },
  operations: {
    update_pair: { summary: 'lo++ and hi++ inside a seqcount write section', kernel: 'update_pair()', run: updatePair },
    read_pair: { summary: 'read lo and hi under read_seqcount_begin', kernel: 'read_pair()', run: readPair },
  },
  setup: (w) => ({ seq: w.seqcount('pair->seq'), lo: w.var('pair->lo', 0), hi: w.var('pair->hi', 0), seen: [] }),
  invariants: [{ name: 'no-torn-read', description: 'every pair a reader returns has equal halves', check: noTornRead }],
  scenarios: {
    maxThreads: 2,
    maxOpsPerThread: 2,
    maxOps: 3,
    catalogue: [{ name: 'reader-vs-writer', threads: [['read_pair'], ['update_pair']] }],
  },
  describeState: (s) => `lo=${s.lo.value}, hi=${s.hi.value}, seq=${s.seq.sequence}`,
});
