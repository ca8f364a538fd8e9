import { describe, it } from 'vitest';
import { hptResize } from '../src/index.js';
import { randomHolds } from './fixed-checks.js';

describe('fixed (38c53af85306, all three hunks)', () => {
  it('survives 100,000 random schedules over the catalogue with no failure of any kind', () => {
    randomHolds.run(hptResize.fixNames);
  });
});
