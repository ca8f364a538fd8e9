import { counterexampleOf, fromRuns, renderRaceTable } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { minimalRace, radixNested } from '../src/index.js';

describe('the race table', () => {
  it('reads like the commit message: fault reads dirty gpte, clear_dirty cleans it, fault inserts a dirty npte', () => {
    const cx = counterexampleOf(radixNested, [], minimalRace.scenario, fromRuns(minimalRace.buggy), 'replay');
    expect(renderRaceTable(radixNested.name, 'buggy', cx)).toMatchSnapshot();
  });

  it('shows the fix at work on the same interleaving', () => {
    const cx = counterexampleOf(radixNested, [...radixNested.fixNames], minimalRace.scenario, fromRuns(minimalRace.fixed), 'replay');
    expect(renderRaceTable(radixNested.name, 'fixed', cx)).toMatchSnapshot();
  });
});
