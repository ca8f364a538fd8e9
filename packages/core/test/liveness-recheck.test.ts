import { describe, expect, it } from 'vitest';
import { defineModel, hunt, loopHead, withLivenessScenarios, type Counter, type Thread } from '../src/index.js';

// Issue 22 item 1, last sentence: under `hunt`, a PCT or random-walk run that runs out of steps is
// a suspected livelock only when the stateful liveness search finds a fair lasso again from its
// scenario; otherwise it stays `bound-reached` (the random schedule may just have been unfair).

interface State {
  seq: Counter;
}

/** A reader that retries while `seq` moved between its two reads (`read-once`: it reads once). */
function* retry(s: State, t: Thread<'read-once'>) {
  for (;;) {
    loopHead(t, 'retry');
    const a = yield* s.seq.read('a = seq');
    if (t.fixed('read-once')) return;
    yield* t.step('work', {});
    const b = yield* s.seq.read('b = seq');
    if (a === b) return;
  }
}

/** A timer that bumps `seq` for ever: every run of the catalogue runs out of steps. */
function* tick(s: State, t: Thread<'read-once'>) {
  for (;;) {
    loopHead(t, 'tick');
    yield* s.seq.increment();
  }
}

const base = defineModel({
  name: 'retry-vs-timer',
  title: 'a retry loop against a timer that never stops',
  summary: 'test model',
  fixes: { 'read-once': { commit: '000000000000', summary: 'read seq once' } },
  operations: {
    retry: { summary: 'read seq until it is stable', kernel: 'retry()', run: retry },
    tick: { summary: 'seq++ for ever', kernel: 'tick()', run: tick },
  },
  setup: (w) => ({ seq: w.counter('seq') }),
  invariants: [],
  scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'retry-vs-timer', threads: [['retry'], ['tick']] as string[][] }] },
  maxSteps: 40,
});
const model = withLivenessScenarios(base, [{ name: 'retry-vs-endless-timer', threads: [['retry'], ['tick']], endless: [1] }]);

describe.each([['random'], ['pct']] as const)('hunt --strategy %s: a run that runs out of steps', (strategy) => {
  it('buggy: a suspected livelock, with the lasso the liveness search found again', () => {
    const r = hunt(model, { fixes: [], seed: 1, runs: 5, strategy });
    expect(r.counterexample?.outcome.kind).toBe('bound-reached');
    expect(r.liveness?.verdict).toBe('livelock');
    expect(r.liveness?.endless).toEqual([1]);
    expect(r.liveness?.lasso?.starving).toEqual([0]);
    expect(r.liveness?.message).toMatch(/^suspected livelock: .*CPU0 never completes its operation on a fair run/);
  });

  it('fixed: stays bound-reached, as every fair run completes the reader', () => {
    const r = hunt(model, { fixes: ['read-once'], seed: 1, runs: 5, strategy });
    expect(r.counterexample?.outcome.kind).toBe('bound-reached');
    expect(r.liveness?.verdict).toBe('holds');
    expect(r.liveness?.lasso).toBeUndefined();
    expect(r.liveness?.message).toMatch(/^not a livelock/);
  });

  it('the timer not declared endless: its own not ending is the lasso found (a model must declare it)', () => {
    const r = hunt(base, { fixes: ['read-once'], seed: 1, runs: 5, strategy });
    expect(r.liveness?.endless).toEqual([]);
    expect(r.liveness?.verdict).toBe('livelock');
    expect(r.liveness?.lasso?.starving).toEqual([1]);
  });
});

describe('hunt: no recheck for other outcomes', () => {
  it('a run that ends is not rechecked', () => {
    const finite = defineModel({ ...base, name: 'retry-once', operations: { ...base.operations, tick: { summary: 'seq++', kernel: 'tick()', run: function* (s: State) { yield* s.seq.increment(); } } } });
    const r = hunt(finite, { fixes: [], seed: 1, runs: 20, strategy: 'random' });
    expect(r.found).toBe(false);
    expect(r.liveness).toBeUndefined();
  });
});
