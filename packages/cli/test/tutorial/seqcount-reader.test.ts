import fc from 'fast-check';
import { expect, it } from 'vitest';
import { findMinimalRace, noRace } from '@kvmrace/properties';
import { raceTest } from '@kvmrace/properties/vitest';
import { seqcountReader } from './seqcount-reader.js';

it('the buggy reader returns a torn pair: 2 threads, 1 preemption', () => {
  const r = findMinimalRace(seqcountReader, { variant: 'buggy', seed: 1 });
  expect(r.found).toBe(true);
  expect(r.counterexample).toMatchObject({
    threads: 2,
    preemptions: 1,
    scenario: [['read_pair'], ['update_pair']],
    outcome: { kind: 'violation', invariant: 'no-torn-read' },
  });
});

it('the reader that retries never returns a torn pair', () => {
  fc.assert(noRace(seqcountReader, { variant: 'upstream' }), { numRuns: 500, seed: 1 });
});

raceTest('seqcount-reader upstream holds', seqcountReader, { variant: 'upstream', seed: 1, numRuns: 500 });
raceTest('seqcount-reader buggy races', seqcountReader, { expect: 'races', seed: 1 });
