import { defineModel, type Counter, type Lock, type Thread } from '../src/index.js';
import { lostUpdate } from './fixtures/lost-update.js';
import { describe, expect, it } from 'vitest';
import { caughtBy, fixHunkMutation, markdownTable, necessaryHunkMutants, necessaryOf, runVariantChecks, variantLabel } from '../src/index.js';

interface S {
  readonly lock: Lock;
  readonly counter: Counter;
  done: number;
}

type Fix = 'take-lock' | 'atomic-inc' | 'useless';

/** counter++ with two alternative fixes (a lock, or one atomic step) and a toggle that changes nothing. */
function* increment(s: S, t: Thread<Fix>) {
  if (t.fixed('take-lock')) yield* s.lock.lock();
  if (t.fixed('atomic-inc')) yield* s.counter.increment();
  else {
    const v = yield* s.counter.read();
    yield* s.counter.write(v + 1);
  }
  if (t.fixed('take-lock')) yield* s.lock.unlock();
  s.done++;
}

const twoWays = (fixes: Fix[]) =>
  defineModel({
    name: 'two-ways',
    title: 'counter++ fixed two ways',
    summary: 'a lost update, fixed by a lock or by an atomic increment',
    fixes: Object.fromEntries(fixes.map((f) => [f, { commit: '000000000000', summary: f }])) as Record<Fix, { commit: string; summary: string }>,
    variants: fixes.includes('take-lock') ? { 'lock-only': ['take-lock'] } : {},
    operations: { increment: { summary: 'counter++', kernel: 'counter_inc()', run: increment } },
    setup: (w) => ({ lock: w.spinlock('counter_lock'), counter: w.counter('counter'), done: 0 }),
    invariants: [{ name: 'no-lost-update', description: 'counter = increments', at: 'end', check: (s: S) => s.counter.value === s.done || 'lost' }],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'two', threads: [['increment'], ['increment']] }] },
  });

describe('fixHunkMutation', () => {
  it('one necessary hunk: fixed less it is the one mutant', () => {
    const m = fixHunkMutation(lostUpdate);
    expect(m.necessary).toEqual(['take-lock']);
    expect(m.holding).toEqual([['take-lock']]);
    expect(m.necessaryMutants).toEqual([
      { hunk: 'take-lock', base: ['take-lock'], baseVariant: 'upstream', fixes: [], variant: 'buggy', necessary: true, failure: 'violation no-lost-update' },
    ]);
    expect(necessaryHunkMutants(lostUpdate)).toEqual(m.necessaryMutants);
    expect(m.mutants).toEqual(m.necessaryMutants);
  });

  it('two alternative fixes: nothing is necessary, and the mutants come from the minimal sufficient sets', () => {
    const model = twoWays(['take-lock', 'atomic-inc', 'useless']);
    const m = fixHunkMutation(model);
    expect(m.necessary).toEqual([]);
    expect(m.necessaryMutants).toEqual([]);
    expect(m.ablation.minimalSufficient).toEqual([['take-lock'], ['atomic-inc']]);
    // fixed less any one hunk still holds; each minimal set less its hunk is buggy (listed once).
    expect(m.mutants.map((x) => [x.baseVariant, x.hunk, x.variant])).toEqual([['lock-only', 'take-lock', 'buggy']]);
    expect(necessaryOf(model.fixNames, m.holding)).toEqual([]);
  });

  it('refuses a model whose upstream variant does not hold', () => {
    expect(() => fixHunkMutation(twoWays(['useless']))).toThrow(/the upstream variant does not hold/);
  });

  it('names variants', () => {
    const model = twoWays(['take-lock', 'atomic-inc', 'useless']);
    expect([[], ['take-lock'], ['useless', 'take-lock'], model.fixNames].map((f) => variantLabel(model, f))).toEqual(['buggy', 'lock-only', 'take-lock,useless', 'upstream']);
  });
});

describe('runVariantChecks', () => {
  const checks = [
    { name: 'a', run: (fixes: readonly string[]) => expect(fixes).toContain('x') },
    { name: 'b', run: () => undefined },
    { name: 'c', run: () => expect(1).toBe(2) },
  ];
  it('stops at the first failing check, or runs them all', () => {
    expect(caughtBy(runVariantChecks(checks, []))).toEqual(['a']);
    expect(caughtBy(runVariantChecks(checks, [], { all: true }))).toEqual(['a', 'c']);
    expect(caughtBy(runVariantChecks(checks, ['x']))).toEqual(['c']);
    expect(runVariantChecks(checks, ['x'])[2]?.message).toMatch(/expected 1 to be 2/);
  });
});

describe('markdownTable', () => {
  const md = ['# t', '', '| variant | a | b |', '|---|:-:|---|', '| `buggy` | races (I_D) | **holds** |', '| fixed | holds | holds |', '', '| other | x |', '|---|---|', '| y | z |'].join('\n');
  it('reads the body of the table with that header, without backticks or bold', () => {
    expect(markdownTable(md, '| variant | a |')).toEqual([
      ['buggy', 'races (I_D)', 'holds'],
      ['fixed', 'holds', 'holds'],
    ]);
    expect(markdownTable(md, 'other')).toEqual([['y', 'z']]);
    expect(markdownTable(md, 'missing')).toEqual([]);
  });
});
