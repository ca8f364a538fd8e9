import { hunt } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { lostUpdate } from '../src/index.js';

describe('lost-update example', () => {
  it.each([1, 2, 3, 4, 5])('seed %i: PCT finds the race without the lock', (seed) => {
    expect(hunt(lostUpdate, { fixes: [], seed, runs: 2000, strategy: 'pct' }).found).toBe(true);
  });
  it('holds with the lock over 20,000 random schedules', () => {
    expect(hunt(lostUpdate, { fixes: ['take-lock'], seed: 1, runs: 20000, strategy: 'random' }).found).toBe(false);
  });
});
