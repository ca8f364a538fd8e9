import { describe, it } from 'vitest';
import { memslotGen } from '../src/index.js';
import { pctHolds, randomHolds } from './fixed-checks.js';

describe('the fixed variant under random schedules', () => {
  it('survives 100,000 random schedules over the catalogue with no failure of any kind', () => {
    randomHolds.run([...memslotGen.fixNames]);
  });

  it('survives 10,000 PCT schedules over the catalogue', () => {
    pctHolds.run([...memslotGen.fixNames]);
  });
});
