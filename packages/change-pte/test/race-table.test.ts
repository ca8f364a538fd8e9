import { contextSwitches, hunt, renderRaceTable } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { changePte } from '../src/index.js';

describe('the race table of the buggy variant', () => {
  it('PCT at depth 2 finds the minimal race, and its table reads like PROTOCOLS.md C', () => {
    // One priority change point: V is preempted after its gup, M replaces the page, V installs P0.
    const r = hunt(changePte, { fixes: [], seed: 1, runs: 1000, strategy: 'pct', pctDepth: 2, scenarios: [[['page_fault'], ['ksm_replace_page']]] });
    const cx = r.counterexample;
    expect(cx).toBeDefined();
    if (!cx) return;
    expect({ threads: cx.threads, operations: cx.operations, preemptions: cx.preemptions, switches: contextSwitches(cx.schedule), steps: cx.steps }).toEqual({
      threads: 2,
      operations: 2,
      preemptions: 1,
      switches: 2,
      steps: 13,
    });
    expect(renderRaceTable(changePte.name, 'buggy', cx)).toMatchSnapshot();
  });
});
