import { describe, it } from 'vitest';
import { changePte } from '../src/index.js';
import { randomHolds } from './fixed-checks.js';

describe('the upstream variant under random schedules', () => {
  it('survives 100,000 random schedules over the catalogue with no failure of any kind', () => {
    randomHolds.run([...changePte.upstreamFixes]);
  });
});
