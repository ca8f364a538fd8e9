import { exploreWeak, type WeakExploreOptions } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { seqcountReader } from '../src/seqcount-reader.js';

// exploreWeak's state caching (core's weak/weak-state-key.ts) changes no verdict on the seqcount
// reader: with every barrier and without each one, the cached search finds the same outcomes as
// the plain one, in fewer runs.

const scenario = [['read_pair'], ['update_pair']];
const BARRIERS = ['read_seqcount_begin:smp_rmb', 'read_seqcount_retry:smp_rmb', 'write_seqcount_begin:smp_wmb', 'write_seqcount_end:smp_wmb'];

function outcomes(fixes: string[], options: WeakExploreOptions) {
  const set = new Set<string>();
  const r = exploreWeak(seqcountReader, new Set(fixes), scenario, { ...options, onExecution: (run) => set.add(`${run.outcome?.kind}:${run.outcome?.message ?? ''}`) });
  return { set: [...set].sort(), r };
}

describe('seqcount reader: state caching changes no verdict', () => {
  for (const off of [[], ...BARRIERS.map((b) => [b])]) {
    for (const fixes of [['reader-retries'], []]) {
      it(`lkmm, ${fixes.length ? 'retrying' : 'not retrying'}, without ${off.join() || 'nothing'}`, () => {
        const plain = outcomes(fixes, { memory: 'lkmm', withoutBarriers: new Set(off), stateCaching: false });
        const cached = outcomes(fixes, { memory: 'lkmm', withoutBarriers: new Set(off) });
        expect(cached.set).toEqual(plain.set);
        expect(cached.r.failures > 0).toBe(plain.r.failures > 0);
        expect(cached.r.failures > 0).toBe(fixes.length === 0 || off.length > 0);
        expect(cached.r.executions).toBeLessThan(plain.r.executions);
      });
    }
  }
});
