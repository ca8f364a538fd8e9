import { counterexampleOf, fromRuns, renderRaceTable } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { pfncache } from '../src/index.js';

describe('race table', () => {
  it('the buggy variant on the minimal interleaving reads like the commit message', () => {
    const script = fromRuns([
      [0, 8],
      [1, 8],
      [0, 4],
    ]);
    const cx = counterexampleOf(pfncache, [], [['refresh'], ['deactivate']], script, 'script');
    expect(renderRaceTable('pfncache', 'buggy', cx)).toMatchSnapshot();
  });
});
