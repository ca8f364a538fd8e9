import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { changePte } from '../src/index.js';

describe('the fixed variant under random schedules', () => {
  it('survives 100,000 random schedules over the catalogue with no failure of any kind', () => {
    const runs = 100_000;
    const r = hunt(changePte, { fixes: [...changePte.fixNames], seed: 1, runs, strategy: 'random' });
    expect(r.counterexample).toBeUndefined();
    expect(r.outcomes).toEqual({ ok: runs, violation: 0, oops: 0, warn: 0, deadlock: 0, livelock: 0 });
    // Some faults give up after MAX_RETRY re-faults (never a failure), but not most.
    expect(r.gaveUp).toBeLessThan(runs / 100);
  });
});
