import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { memslotGen } from '../src/index.js';

describe('the fixed variant under random schedules', () => {
  it('survives 100,000 random schedules over the catalogue with no failure of any kind', () => {
    const runs = 100_000;
    const r = hunt(memslotGen, { fixes: [...memslotGen.fixNames], seed: 1, runs, strategy: 'random' });
    expect(r.counterexample).toBeUndefined();
    expect(r.outcomes).toEqual({ ok: runs, violation: 0, oops: 0, warn: 0, deadlock: 0, livelock: 0 });
    expect(r.gaveUp).toBe(0); // nothing retries: an odd generation punts to the slow path
  });

  it('survives 10,000 PCT schedules over the catalogue', () => {
    const r = hunt(memslotGen, { fixes: [...memslotGen.fixNames], seed: 2, runs: 10_000, strategy: 'pct' });
    expect(r.outcomes.ok).toBe(10_000);
  });
});
