import { describe, expect, it } from 'vitest';
import { boundedDfs, dpor, type AnyModel, type Run, type Var } from '../src/index.js';
import { randomModel } from './explore-random-models.js';

// A bounded version of explore-dpor.test.ts for mutation testing (issue #11): the same
// differential check of DPOR against plain DFS, on the generated models whose full tree is small
// (6..60 DFS executions, and up to 250 when DPOR has sleep-set-blocked executions there), so that
// it stays cheap under Stryker's instrumentation. vitest.stryker.config.ts runs this file instead
// of explore-dpor.test.ts.
const SMALL_END = [4, 8, 12, 13, 18, 20, 26, 27, 29, 33, 37, 41, 42, 43, 44, 54, 55, 56, 59, 63, 66, 67, 71, 74, 76, 78, 79, 80, 83, 84, 85, 86, 98, 101, 105, 107, 110, 118, 122, 124, 125, 126, 127, 128, 130, 136, 140, 146];
const SMALL_ALWAYS = [4, 8, 12, 13, 18, 26, 27, 29, 33, 37, 41, 42, 43, 44, 48, 52, 54, 55, 56, 59, 63, 65, 66, 67, 70, 71, 74, 76, 78, 79, 80, 83, 84, 85, 86, 89, 92, 93, 98, 101, 105, 107, 110, 118, 122, 124, 125, 127, 128, 130, 131, 136, 140, 146];

/** What an execution ended in, as a comparable string (as in explore-dpor.test.ts). */
function signature(run: Run, always: boolean): string {
  const o = run.outcome;
  if (!o) throw new Error('run not ended');
  const s = run.state as { vars: Var<number>[]; locals: number[] };
  const vars = s.vars.map((v) => v.value).join(',');
  if (o.kind === 'violation') {
    const [v0, v1, v2] = s.vars.map((v) => v.value) as [number, number, number];
    return always && o.invariant === 'sum' ? `violation sum @v0=${v0} v2=${v2}${v2 % 2 === 1 ? ` v1=${v1}` : ''}` : `violation ${o.invariant} by CPU${o.thread}`;
  }
  const alive = Array.from({ length: run.threadCount }, (_, t) => (run.isAlive(t) ? `${t}:${run.pendingStep(t)?.label}` : '-')).join(' ');
  return `${o.kind} vars=${vars} locals=${s.locals.join(',')} alive=${alive}`;
}

function outcomes(model: AnyModel, scenario: string[][], reduce: boolean, always: boolean) {
  const seen = new Set<string>();
  const onExecution = (run: Run) => seen.add(signature(run, always));
  const fixes = new Set<string>();
  const r = reduce ? dpor(model, fixes, scenario, { stopAtFirst: false, onExecution }) : boundedDfs(model, fixes, scenario, { stopAtFirst: false, onExecution });
  return { seen: [...seen].sort(), r };
}

describe('DPOR against plain DFS on small generated models', () => {
  for (const always of [false, true]) {
    it(`finds exactly the outcomes plain DFS finds (${always ? 'invariant after every step' : 'invariant at the end'})`, () => {
      let dporRuns = 0;
      let dfsRuns = 0;
      let redundant = 0;
      const kinds = new Set<string>();
      for (const seed of always ? SMALL_ALWAYS : SMALL_END) {
        const { model, scenario } = randomModel(seed, always);
        const full = outcomes(model, scenario, false, always);
        const reduced = outcomes(model, scenario, true, always);
        expect(reduced.seen, `seed ${seed}`).toEqual(full.seen);
        expect(reduced.r.failures > 0, `seed ${seed}`).toBe(full.r.failures > 0);
        expect(reduced.r.executions, `seed ${seed}`).toBe(reduced.r.complete + reduced.r.redundant);
        if (!always) expect(reduced.r.complete, `seed ${seed}`).toBeLessThanOrEqual(full.r.executions);
        dporRuns += reduced.r.executions;
        dfsRuns += full.r.executions;
        redundant += reduced.r.redundant;
        for (const s of full.seen) kinds.add(s.split(' ')[0] as string);
      }
      expect([...kinds].sort()).toEqual(['deadlock', 'ok', 'violation']);
      expect(dporRuns).toBeLessThan(dfsRuns / 4);
      expect(redundant / dporRuns).toBeLessThanOrEqual(0.15);
    });
  }
});
