import { boundedDfs, exploreWeak, modelBarriers } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { seqcountReader } from '../src/seqcount-reader.js';

// The seqcount reader under weak memory (issue 19, "Done when"). Expected results: each of the
// four barriers of include/linux/seqlock.h closes one message-passing shape (the writer's data
// before its even sequence, the reader's sequence before its data, and the same for the odd
// sequence and the re-read), which the LKMM forbids only with both sides' barriers
// (tools/memory-model/Documentation/explanation.txt §13, MP+wmb+rmb); x86-TSO needs none of them,
// since smp_rmb() and smp_wmb() are compiler barriers on x86 (arch/x86/include/asm/barrier.h).

const scenario = [['read_pair'], ['update_pair']];
const retries = new Set(['reader-retries']);
const BARRIERS = ['read_seqcount_begin:smp_rmb', 'read_seqcount_retry:smp_rmb', 'write_seqcount_begin:smp_wmb', 'write_seqcount_end:smp_wmb'];

describe('seqcount reader under weak memory', () => {
  it('its barrier toggles are the seqcount primitive\'s four', () => {
    expect(modelBarriers(seqcountReader).map((b) => b.name)).toEqual(BARRIERS);
  });

  for (const memory of ['lkmm', 'tso'] as const) {
    it(`${memory}: the retrying reader holds with every barrier`, () => {
      const r = exploreWeak(seqcountReader, retries, scenario, { memory });
      expect(r.failures).toBe(0);
      expect(r.distinct).toBeGreaterThan(1);
    });
    it(`${memory}: the reader that never retries is still found`, () => {
      expect(exploreWeak(seqcountReader, new Set(), scenario, { memory }).failure?.outcome.invariant).toBe('no-torn-read');
    });
  }

  for (const barrier of BARRIERS) {
    it(`lkmm: without ${barrier} the retrying reader returns a torn pair`, () => {
      const r = exploreWeak(seqcountReader, retries, scenario, { memory: 'lkmm', withoutBarriers: new Set([barrier]) });
      expect(r.failure?.outcome.invariant).toBe('no-torn-read');
      expect(r.failure?.weakEdges).toBeGreaterThan(0);
    });
  }

  it('tso: holds without any of the four (compiler barriers on x86)', () => {
    expect(exploreWeak(seqcountReader, retries, scenario, { memory: 'tso', withoutBarriers: new Set(BARRIERS) }).failures).toBe(0);
  });

  // The engine judges the graph only after a step that may close a cycle (weak-memory.ts): judging
  // after every step must drop the same runs at the same steps, so every count is the same.
  for (const [memory, off] of [['lkmm', []], ['lkmm', ['read_seqcount_begin:smp_rmb']], ['tso', []]] as const) {
    it(`${memory}${off.length ? ` without ${off[0]}` : ''}: judging only steps that may close a cycle drops what judging every step drops`, () => {
      // Reads not filtered (see below), so that the runs are dropped where the graph is judged.
      const options = { memory, withoutBarriers: new Set<string>(off), filterReads: false };
      const every = exploreWeak(seqcountReader, retries, scenario, { ...options, judgeEveryStep: true });
      const some = exploreWeak(seqcountReader, retries, scenario, options);
      expect(every.pruned).toBeGreaterThan(0);
      expect(some).toEqual(every);
    });
  }

  // A read offered only the writes the model lets it read from makes the same executions, with no
  // run started only to be dropped at that read.
  for (const [memory, off] of [['lkmm', []], ['lkmm', ['read_seqcount_begin:smp_rmb']], ['tso', []]] as const) {
    it(`${memory}${off.length ? ` without ${off[0]}` : ''}: filtered reads make the same executions in fewer runs`, () => {
      // One search (no sleep sets: a failing scenario's second search cuts runs by cost).
      const options = { memory, withoutBarriers: new Set<string>(off), sleepSets: false };
      const unfiltered = exploreWeak(seqcountReader, retries, scenario, { ...options, filterReads: false });
      const filtered = exploreWeak(seqcountReader, retries, scenario, options);
      // Each option a read is not offered is a run the unfiltered search starts and drops.
      expect(unfiltered.pruned).toBeGreaterThan(0);
      expect(filtered.executions).toBe(unfiltered.executions - unfiltered.pruned);
      expect({ ...filtered, executions: 0, steps: 0 }).toEqual({ ...unfiltered, executions: 0, steps: 0 });
    });
  }

  it('sc: the retrying reader holds (barriers are not steps under sc)', () => {
    expect(boundedDfs(seqcountReader, retries, scenario).failures).toBe(0);
  });
});
