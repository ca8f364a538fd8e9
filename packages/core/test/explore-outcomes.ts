import { expect } from 'vitest';
import { boundedDfs, type AnyModel, type ExploreResult, type Run, type Var } from '../src/index.js';
import { withoutStateInvariants } from '../src/explore/cut-invariants.js';
import { randomModel } from './explore-random-models.js';

// What the differential tests of the explorers (explore-dpor.test.ts, and mutation-dpor.test.ts
// under Stryker) compare between a reduced search and plain DFS on the generated models.

/** What an execution ended in, as a comparable string (what DPOR preserves). */
export function signature(run: Run, always: boolean): string {
  const o = run.outcome;
  if (!o) throw new Error('run not ended');
  const s = run.state as { vars: Var<number>[]; locals: number[] };
  const vars = s.vars.map((v) => v.value).join(',');
  if (o.kind === 'violation') {
    // A state invariant breaks at the first bad state of the write order; an inline assertion at
    // a step whose position relative to independent writes is not fixed.
    // DPOR keeps the state the invariant reads, not the rest of it: compare what it read.
    const [v0, v1, v2] = s.vars.map((v) => v.value) as [number, number, number];
    return always && o.invariant === 'sum' ? `violation sum @v0=${v0} v2=${v2}${v2 % 2 === 1 ? ` v1=${v1}` : ''}` : `violation ${o.invariant} by CPU${o.thread}`;
  }
  return `${o.kind} vars=${vars} locals=${s.locals.join(',')} alive=${alive(run)}`;
}

/** The whole state an execution ended in (what a stateful search preserves: every state). */
export function fullSignature(run: Run): string {
  const o = run.outcome;
  if (!o) throw new Error('run not ended');
  const s = run.state as { vars: Var<number>[]; locals: number[] };
  const what = o.kind === 'violation' ? `violation ${o.invariant} by CPU${o.thread ?? '-'}` : o.kind;
  return `${what} @${run.steps} vars=${s.vars.map((v) => `${v.value}`).join(',')} locals=${s.locals.join(',')} alive=${alive(run)}`;
}

function alive(run: Run): string {
  return Array.from({ length: run.threadCount }, (_, t) => (run.isAlive(t) ? `${t}:${run.pendingStep(t)?.label}` : '-')).join(' ');
}

export type Explorer = (model: AnyModel, fixes: ReadonlySet<string>, scenario: string[][], options: { stopAtFirst: false; onExecution: (run: Run) => void }) => ExploreResult;

export function outcomes(model: AnyModel, scenario: string[][], explorer: Explorer, always: boolean) {
  const seen = new Set<string>();
  const full = new Set<string>();
  const onExecution = (run: Run) => {
    seen.add(signature(run, always));
    full.add(fullSignature(run));
  };
  const r = explorer(model, new Set<string>(), scenario, { stopAtFirst: false, onExecution });
  return { seen: [...seen].sort(), full: [...full].sort(), r };
}

/**
 * On the generated models of `seeds` (invariant after every step on even seeds), the bounded DFS
 * with state caching finds the same final states, the same first failure and whether any fails, as
 * the plain bounded DFS, within 0, 1 and 2 preemptions; and it runs fewer executions in all.
 */
export function expectCachingKeepsOutcomes(seeds: Iterable<number>): void {
  let plainRuns = 0;
  let cachedRuns = 0;
  for (const seed of seeds) {
    const always = seed % 2 === 0;
    const { model, scenario } = randomModel(seed, always);
    for (const preemptionBound of [0, 1, 2]) {
      const plain = (o: object) => boundedDfs(model, new Set(), scenario, { preemptionBound, stateCaching: false, ...o });
      const cached = (o: object) => boundedDfs(model, new Set(), scenario, { preemptionBound, ...o });
      const a = new Set<string>();
      const b = new Set<string>();
      const all = plain({ stopAtFirst: false, onExecution: (run: Run) => a.add(fullSignature(run)) });
      const some = cached({ stopAtFirst: false, onExecution: (run: Run) => b.add(fullSignature(run)) });
      const where = `seed ${seed}, bound ${preemptionBound}`;
      expect([...b].sort(), where).toEqual([...a].sort());
      expect(some.failure, where).toEqual(all.failure);
      expect(some.failures > 0, where).toBe(all.failures > 0);
      expect(cached({}).failure, where).toEqual(plain({}).failure);
      plainRuns += all.executions;
      cachedRuns += some.executions;
    }
  }
  expect(cachedRuns).toBeLessThan(plainRuns);
}

/**
 * What DPOR must find that plain DFS finds, on a generated model. DPOR runs the model without its
 * state invariant ('sum' when `always`) and checks that one at every state of every trace: its
 * other outcomes are exactly plain DFS's on the model without it, its violations of it are real
 * (ones plain DFS finds: each is a run that stops at its first violation), and it finds one
 * exactly when plain DFS does. (DFS stops at a violation, so the states behind it, which DPOR's
 * runs go on to, are not compared with DFS on the whole model.)
 */
export function expectDporFindsWhatDfsFinds(model: AnyModel, scenario: string[][], always: boolean, full: { seen: string[] }, reduced: { seen: string[] }, where: string): void {
  if (!always) {
    expect(reduced.seen, where).toEqual(full.seen);
    return;
  }
  const state = (s: string) => s.startsWith('violation sum @');
  const bare = outcomes(withoutStateInvariants(model), scenario, boundedDfs, always);
  expect(reduced.seen.filter((s) => !state(s)), where).toEqual(bare.seen);
  const found = reduced.seen.filter(state);
  expect(full.seen.filter(state), where).toEqual(expect.arrayContaining(found));
  expect(found.length > 0, where).toBe(full.seen.some(state));
}
