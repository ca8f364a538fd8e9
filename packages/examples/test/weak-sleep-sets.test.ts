import { exploreWeak } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { seqcountReader } from '../src/seqcount-reader.js';

// Sleep sets in the weak explorer (core's verify-weak.ts) leave out only orders of independent
// steps that lead to states already explored: the states, the distinct execution graphs and the
// failures must be those of the search without them, in fewer runs.

const scenario = [['read_pair'], ['update_pair']];
const retries = new Set(['reader-retries']);

describe('seqcount reader: sleep sets under weak memory', () => {
  for (const [name, fixes, off] of [
    ['upstream', retries, []],
    ['without read_seqcount_begin:smp_rmb', retries, ['read_seqcount_begin:smp_rmb']],
    ['the reader that never retries', new Set<string>(), []],
  ] as const) {
    it(`lkmm, ${name}: same states, graphs and failure in fewer runs`, () => {
      const options = { memory: 'lkmm' as const, withoutBarriers: new Set<string>(off) };
      const plain = exploreWeak(seqcountReader, fixes, scenario, { ...options, sleepSets: false });
      const sleeping = exploreWeak(seqcountReader, fixes, scenario, { ...options, sleepSets: true });
      expect(sleeping.states).toBe(plain.states);
      expect(sleeping.distinct).toBe(plain.distinct);
      expect(sleeping.failures > 0).toBe(plain.failures > 0);
      expect(sleeping.failure).toEqual(plain.failure);
      if (plain.failures === 0) {
        expect(sleeping.sleepBlocked).toBeGreaterThan(0);
        expect(sleeping.executions).toBeLessThan(plain.executions);
      }
    });
  }
});
