import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize } from '../src/index.js';

describe('fixed (38c53af85306, all three hunks)', () => {
  it('survives 100,000 random schedules over the catalogue with no failure of any kind', () => {
    const r = hunt(hptResize, { fixes: hptResize.fixNames, seed: 1, runs: 100_000, strategy: 'random' });
    expect(r.counterexample?.outcome).toBeUndefined();
    expect(r.found).toBe(false);
    expect(r.outcomes).toEqual({ ok: 100_000, violation: 0, oops: 0, warn: 0, deadlock: 0, livelock: 0 });
    expect(r.gaveUp).toBe(0);
  });
});
