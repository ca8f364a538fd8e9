import { describe, expect, it } from 'vitest';
import { dpor, enumerateScenarios, estimateCost, statefulSearch, verify } from '../src/index.js';
import { remainingExecutions } from '../src/explore/result.js';
import { lostUpdate } from './fixtures/lost-update.js';

// Issue 24 item 2: the cost of a verification, estimated by probing the search it will run.

const none = new Set<string>();
const triple = [['increment'], ['increment'], ['increment']];

describe('remainingExecutions', () => {
  it('prices a branch not begun as its last finished sibling, or the one in progress times the ratio', () => {
    // Root: one sibling finished (cost 10), one in progress since execution 12, one left; below it
    // a level with none finished, its child in progress since 15, two left.
    const levels = [
      { started: 12, lastCost: 10, unstarted: 1 },
      { started: 15, lastCost: -1, unstarted: 2 },
    ];
    // Deepest: current = 20 - 15 = 5, two left at 5 * 0.5 each: 5. Root: one left at 10: 15.
    expect(remainingExecutions(levels, 20, 0.5)).toBe(15);
    expect(remainingExecutions(levels, 20, 1)).toBe(20);
    expect(remainingExecutions([], 20, 1)).toBe(0);
  });
});

describe('a probe of the search', () => {
  for (const [name, search] of [['stateful', statefulSearch], ['dpor', dpor]] as const) {
    it(`${name}: stops at maxExecutions and estimates the rest; without the cap, no estimate`, () => {
      const all = search(lostUpdate, none, triple, { stopAtFirst: false });
      expect(all).not.toHaveProperty('estimated');
      const cut = search(lostUpdate, none, triple, { stopAtFirst: false, maxExecutions: 5 });
      expect(cut.executions).toBe(5);
      expect(cut.estimated).toBeGreaterThan(5);
      expect(cut.estimated).toBeLessThan(all.executions * 10);
    });
  }
});

describe('estimateCost', () => {
  it('is exact when every scenario is probed to its end', () => {
    const scenarios = enumerateScenarios(lostUpdate, { threads: 3, maxOps: 3 });
    const fixes = ['take-lock'];
    const e = estimateCost(lostUpdate, fixes, scenarios, {}, { scenarios: scenarios.length, executions: 1e6 });
    const r = verify(lostUpdate, { fixes, scenarios });
    expect(e.exact).toBe(true);
    expect(e.probed).toBe(scenarios.length);
    expect(e.executions).toBe(r.executions);
    expect(e.ms).toBeGreaterThan(0);
  });

  it('samples every size of scenario and extrapolates the rest', () => {
    const scenarios = enumerateScenarios(lostUpdate, { threads: 3, maxOps: 4 });
    const fixes = ['take-lock'];
    const e = estimateCost(lostUpdate, fixes, scenarios, {}, { scenarios: 4, executions: 20 });
    const r = verify(lostUpdate, { fixes, scenarios });
    expect(e.exact).toBe(false);
    expect(e.probed).toBeLessThan(scenarios.length);
    expect(e.probed).toBeGreaterThanOrEqual(4);
    expect(e.executions / r.executions).toBeGreaterThan(0.2);
    expect(e.executions / r.executions).toBeLessThan(5);
  });
});
