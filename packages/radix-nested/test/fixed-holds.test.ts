import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { radixNested } from '../src/index.js';

const FIXED = [...radixNested.fixNames];
const NO_FAILURE = { ok: 0, violation: 0, oops: 0, warn: 0, deadlock: 0, livelock: 0 };

describe('the fixed variant', () => {
  it('survives 100,000 random schedules over its catalogue: no violation, oops, warn, deadlock or livelock', () => {
    const runs = 100_000;
    const r = hunt(radixNested, { fixes: FIXED, seed: 20190826, runs, strategy: 'random' });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.found).toBe(false);
    expect(r.outcomes).toEqual({ ...NO_FAILURE, ok: runs });
    expect(r.gaveUp).toBe(0); // MAX_RETRY re-faults always suffice: no run was cut short
  });

  it('survives 20,000 PCT schedules (depth 3) too', () => {
    const runs = 20_000;
    const r = hunt(radixNested, { fixes: FIXED, seed: 7, runs, strategy: 'pct', pctDepth: 3 });
    expect(r.found).toBe(false);
    expect(r.outcomes).toEqual({ ...NO_FAILURE, ok: runs });
    expect(r.gaveUp).toBe(0);
  });
});
