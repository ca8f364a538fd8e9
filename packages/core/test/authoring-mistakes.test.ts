import { describe, expect, it } from 'vitest';
import { defineModel, execute, violation, ModelError, modelFingerprint, RandomWalk, runDigest, type AnyModel, type Steps, type Thread, type Var, type World } from '../src/index.js';
import { tiny } from './fixtures/harness.js';

// Issue 21: a model written wrongly is a ModelError out of the run (the CLI: exit 2), not a race.

const run = (m: { model: AnyModel; scenario: string[][] }) => execute(m.model, new Set(), m.scenario, new RandomWalk(1));
const setup = (w: World) => ({ x: w.var('x', 0) });

describe('mistakes the run sees', () => {
  it.each([
    ['a plain function', (() => undefined) as never, /operation 'p0': run\(\) returned undefined, not a generator/],
    ['an async generator', async function* () {} as never, /operation 'p0': run\(\) is an async generator/],
    ['an async function', (async () => undefined) as never, /operation 'p0': run\(\) returned a Promise/],
    ['a number', (() => 3) as never, /operation 'p0': run\(\) returned the number 3/],
  ])('run() as %s', (_what, program, message) => {
    const m = tiny(setup, [program]);
    expect(() => run(m)).toThrow(ModelError);
    expect(() => run(m)).toThrow(message);
  });

  it.each([
    ['a primitive call (yield, not yield*)', function* (s: { x: Var<number> }) { yield s.x.read() as never; }, /yielded a call .*use yield\*/],
    ['a labelled call', function* (s: { x: Var<number> }) { yield s.x.read('x is read') as never; }, /use yield\*/],
    ['a helper generator', function* (s: { x: Var<number> }) { yield (function* () { yield* s.x.read(); })() as never; }, /a helper generator/],
    ['nothing', function* () { yield undefined as never; }, /yielded undefined, which is not a step/],
    ['a number', function* () { yield 7 as never; }, /yielded the number 7, which is not a step/],
  ])('a thread that yields %s', (_what, program, message) => {
    const m = tiny(setup, [program as (s: { x: Var<number> }, t: Thread) => Steps]);
    expect(() => run(m)).toThrow(ModelError);
    expect(() => run(m)).toThrow(message);
  });

  it('the same programs written with yield* run fine (the checks do not fire on real steps)', () => {
    const m = tiny(setup, [
      function* (s) { yield* s.x.read(); yield* s.x.read('labelled'); yield* s.x.write(1); },
      function* (s, t) { yield* t.within('helper', (function* () { yield* s.x.update((v) => v + 1); })()); },
    ]);
    expect(run(m).outcome.kind).toBe('ok');
  });

  it.each([
    [undefined, /invariant 'bad': check\(\) returned undefined/],
    [0, /invariant 'bad': check\(\) returned the number 0/],
    [null, /check\(\) returned null/],
    [{}, /check\(\) returned an object/],
  ])('an invariant returning %j', (value, message) => {
    const m = tiny(setup, [function* (s) { yield* s.x.read(); }], { invariants: [{ name: 'bad', description: 'd', check: () => value as never }] });
    expect(() => run(m)).toThrow(message);
    const atEnd = tiny(setup, [function* (s) { yield* s.x.read(); }], { invariants: [{ name: 'bad', description: 'd', at: 'end', check: () => value as never }] });
    expect(() => run(atEnd)).toThrow(message);
  });

  it('an invariant returning false or a message is a violation, not a model error', () => {
    const m = tiny(setup, [function* (s) { yield* s.x.read(); }], { invariants: [{ name: 'no', description: 'never', check: () => 'broken' }] });
    expect(run(m).outcome).toMatchObject({ kind: 'violation', invariant: 'no', message: 'broken' });
  });
});

describe('mistakes defineModel sees', () => {
  const base = {
    name: 'm',
    title: 't',
    summary: 's',
    fixes: { a: { commit: '000000000000', summary: 'a' }, b: { commit: '000000000000', summary: 'b', merged: false } },
    operations: { op: { summary: 'o', kernel: 'k', run: function* () {} } },
    setup: () => ({}),
    invariants: [] as { name: string; description: string; check: () => boolean }[],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'one', threads: [['op']] }] },
  };
  it('upstream defaults to every merged fix; proposals and variants must name known fixes and unique names', () => {
    expect(defineModel(base).upstreamFixes).toEqual(['a']);
    expect(defineModel({ ...base, upstream: ['b'] }).upstreamFixes).toEqual(['b']);
    expect(() => defineModel({ ...base, proposals: { p: { fixes: ['z' as 'a'], source: 's', summary: 's' } } })).toThrow("proposal 'p' names unknown fix 'z'");
    expect(() => defineModel({ ...base, proposals: { p: { fixes: ['b'], source: '', summary: 's' } } })).toThrow("proposal 'p' needs a source");
    expect(() => defineModel({ ...base, proposals: { p: { fixes: ['b'], source: 's', summary: 's' } }, variants: { p: ['a'] } })).toThrow("two variants or proposals are named 'p'");
    expect(() => defineModel({ ...base, upstream: ['z' as 'a'] })).toThrow("upstream names unknown fix 'z'");
  });
  it('duplicate invariant and scenario names are refused', () => {
    const inv = { name: 'i', description: 'd', check: () => true };
    expect(() => defineModel({ ...base, invariants: [inv, inv] })).toThrow("two invariants are named 'i'");
    expect(() => defineModel({ ...base, scenarios: { ...base.scenarios, catalogue: [base.scenarios.catalogue[0]!, base.scenarios.catalogue[0]!] } })).toThrow("two catalogue scenarios are named 'one'");
  });
});

describe('fingerprints', () => {
  const m = tiny(setup, [function* (s) { yield* s.x.read(); }]);
  it('a model fingerprint changes with its operations, fixes, invariants and bounds, not with a new object', () => {
    const same = tiny(setup, [function* (s) { yield* s.x.read(); }]);
    expect(modelFingerprint(same.model)).toBe(modelFingerprint(m.model));
    expect(modelFingerprint(tiny(setup, [function* () {}, function* () {}]).model)).not.toBe(modelFingerprint(m.model));
    expect(modelFingerprint(tiny(setup, [function* () {}], { fixes: ['f'] }).model)).not.toBe(modelFingerprint(m.model));
    expect(modelFingerprint(tiny(setup, [function* () {}], { maxSteps: 10 }).model)).not.toBe(modelFingerprint(m.model));
    expect(modelFingerprint(tiny(setup, [function* () {}], { invariants: [{ name: 'i', description: 'd', check: () => true }] }).model)).not.toBe(modelFingerprint(m.model));
  });
  it('a run digest changes with the labels of its steps', () => {
    const a = execute(m.model, new Set(), m.scenario, new RandomWalk(1), { trace: true });
    const relabelled = tiny(setup, [function* (s) { yield* s.x.read('another label'); }]);
    const b = execute(relabelled.model, new Set(), relabelled.scenario, new RandomWalk(1), { trace: true });
    expect(runDigest(a.trace ?? [], a.outcome)).toBe(runDigest(a.trace ?? [], a.outcome));
    expect(runDigest(b.trace ?? [], b.outcome)).not.toBe(runDigest(a.trace ?? [], a.outcome));
  });
});

describe('invariants written with holds() and violation()', () => {
  const setupX = (w: World) => ({ x: w.var('x', 0) });
  const writer = function* (s: { x: Var<number> }) {
    yield* s.x.write(1);
  };
  it('true holds; violation(message) is a violation with that message', () => {
    const ok = tiny(setupX, [writer], { invariants: [{ name: 'small', description: 'x < 5', holds: (s) => (s.x.value < 5 ? true : violation(`x is ${s.x.value}`)) }] });
    expect(run(ok).outcome.kind).toBe('ok');
    const broken = tiny(setupX, [writer], { invariants: [{ name: 'zero', description: 'x stays 0', holds: (s) => (s.x.value === 0 ? true : violation(`x is ${s.x.value}`)) }] });
    expect(run(broken).outcome).toMatchObject({ kind: 'violation', invariant: 'zero', message: 'x is 1' });
  });
  it('a holds() that returns false (a JavaScript model, or a cast) is a model error, not a pass', () => {
    const m = tiny(setupX, [writer], { invariants: [{ name: 'js', description: 'd', holds: (() => false) as never }] });
    expect(() => run(m)).toThrow(/invariant 'js': holds\(\) returned false: return true, or violation\('what broke'\)/);
  });
  it('an invariant with both check() and holds(), or neither, is refused', () => {
    const inv = { name: 'i', description: 'd', check: () => true, holds: () => true as const };
    expect(() => tiny(setupX, [writer], { invariants: [inv as never] })).toThrow("invariant 'i' has both check() and holds()");
    expect(() => tiny(setupX, [writer], { invariants: [{ name: 'n', description: 'd' } as never] })).toThrow("invariant 'n' has no check() or holds()");
  });
});
