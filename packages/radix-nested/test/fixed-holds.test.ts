import { describe, it } from 'vitest';
import { radixNested } from '../src/index.js';
import { pctHolds, randomHolds } from './fixed-checks.js';

const FIXED = [...radixNested.fixNames];

describe('the fixed variant', () => {
  it('survives 100,000 random schedules over its catalogue: no violation, oops, warn, deadlock or bound reached', () => {
    randomHolds.run(FIXED);
  });

  it('survives 20,000 PCT schedules (depth 3) too', () => {
    pctHolds.run(FIXED);
  });
});
