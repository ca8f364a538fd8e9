import { describe, expect, it } from 'vitest';
import type { AnyModel } from '../src/index.js';
import { statefulSearch } from '../src/explore/stateful.js';
import { StealSearch, type StealSignal, type StealTask, type StealTaskResult } from '../src/explore/steal-search.js';
import { SharedStateTable } from '../src/explore/steal-table.js';
import { randomModel } from './explore-random-models.js';
import { lostUpdate } from './fixtures/lost-update.js';

/** Runs tasks to the end on `workers` searches sharing one table, one at a time; a search asked to donate every `every` polls gives its subtree to the queue. */
function stealAll(model: AnyModel, fixes: ReadonlySet<string>, scenario: string[][], workers: number, every: number, slots = 1 << 12, stopAtFirst = true): StealTaskResult[] {
  const table = new SharedStateTable(slots);
  const searches = Array.from({ length: workers }, (_, w) => new StealSearch(model, fixes, table, w, undefined, stopAtFirst));
  const queue: StealTask[] = [{ unit: 0, path: [] }];
  const out: StealTaskResult[] = [];
  let turn = 0;
  while (queue.length > 0) {
    const task = queue.shift() as StealTask;
    let polls = 0;
    const signal = (): StealSignal => (every > 0 && ++polls % every === 0 ? 'donate' : 'go');
    const r = (searches[turn++ % workers] as StealSearch).run(task, scenario, signal, (t) => {
      if (t) queue.push(t);
    });
    out.push(r);
  }
  return out;
}

const sum = (rs: readonly StealTaskResult[], k: 'executions' | 'complete' | 'redundant' | 'states' | 'stateHits' | 'failures'): number => rs.reduce((n, r) => n + r[k], 0);

describe('work stealing over the stateful search', () => {
  it('one search that never donates does exactly what statefulSearch does', () => {
    for (let seed = 1; seed <= 60; seed++) {
      for (const always of [false, true]) {
        const { model, scenario } = randomModel(seed, always);
        const a = statefulSearch(model, new Set(), scenario, { stopAtFirst: false });
        const [b] = stealAll(model, new Set(), scenario, 1, 0, 1 << 12, false);
        expect({ seed, executions: b?.executions, complete: b?.complete, redundant: b?.redundant, states: b?.states, hits: b?.stateHits, failures: b?.failures }).toEqual({ seed, executions: a.executions, complete: a.complete, redundant: a.redundant, states: a.states, hits: a.stateHits, failures: a.failures });
      }
    }
  });

  it('subtrees given away and resumed elsewhere still find every failing scenario, and nothing in a holding one', () => {
    let failing = 0;
    for (let seed = 1; seed <= 80; seed++) {
      for (const always of [false, true]) {
        const { model, scenario } = randomModel(seed, always);
        const a = statefulSearch(model, new Set(), scenario);
        const rs = stealAll(model, new Set(), scenario, 2, 3);
        expect({ seed, always, fails: rs.some((r) => r.failure !== undefined) }).toEqual({ seed, always, fails: a.failure !== undefined });
        if (a.failure) failing++;
        else expect(sum(rs, 'complete') + sum(rs, 'redundant') + sum(rs, 'stateHits')).toBe(sum(rs, 'executions'));
      }
    }
    // The generated models must exercise both verdicts for this to mean anything.
    expect(failing).toBeGreaterThan(10);
    expect(failing).toBeLessThan(150);
  });

  it('a donated subtree is resumed where it was cut: lost-update holds with the lock and fails without', () => {
    const triple = [['increment'], ['increment'], ['increment']];
    const held = stealAll(lostUpdate, new Set(['take-lock']), triple, 2, 1);
    expect(held.length).toBeGreaterThan(1);
    expect(held.every((r) => r.failure === undefined)).toBe(true);
    const broken = stealAll(lostUpdate, new Set(), triple, 2, 1);
    expect(broken.some((r) => r.failure?.outcome.kind === 'violation')).toBe(true);
  });

  it('units share one table but never one state: each is searched as statefulSearch searches it alone', () => {
    const scenarios = [[['increment'], ['increment']], [['increment'], ['increment', 'increment']], [['increment', 'increment'], ['increment']]];
    const table = new SharedStateTable(1 << 12);
    const search = new StealSearch(lostUpdate, new Set(['take-lock']), table, 0, undefined, false);
    scenarios.forEach((scenario, unit) => {
      const a = statefulSearch(lostUpdate, new Set(['take-lock']), scenario, { stopAtFirst: false });
      const b = search.run({ unit, path: [] }, scenario, () => 'go', () => undefined);
      expect({ unit, executions: b.executions, complete: b.complete, states: b.states }).toEqual({ unit, executions: a.executions, complete: a.complete, states: a.states });
    });
  });

  it('past a full shared table, states are cached by the worker alone: the same search', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const { model, scenario } = randomModel(seed, true);
      const a = statefulSearch(model, new Set(), scenario, { stopAtFirst: false });
      const [b] = stealAll(model, new Set(), scenario, 1, 0, 2, false);
      expect({ seed, executions: b?.executions, states: b?.states, hits: b?.stateHits }).toEqual({ seed, executions: a.executions, states: a.states, hits: a.stateHits });
    }
  });
});
