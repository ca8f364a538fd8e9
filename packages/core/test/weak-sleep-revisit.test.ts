import { describe, expect, it } from 'vitest';
import { defineModel, exploreWeak, type Thread, type Var } from '../src/index.js';

// With sleep sets and `revisitCheaper: false`, exploreWeak's first search cuts every state reached
// again whose stored sleep set the run's includes, whatever the run's cost: only the verdict comes
// from it, the smallest failure from the search without sleep sets that a failing scenario gets.
// So its states, verdict and smallest failure (and, when it holds, its graphs) must be those of the
// search without sleep sets (which explores a state again when reached cheaper), in fewer runs.

interface Mp {
  data: Var<number>;
  flag: Var<number>;
  noise: Var<number>[];
  seen: number[];
}

/** Message passing beside independent writes (which make many interleavings meet at one state). */
const mp = defineModel({
  name: 'mp-revisit',
  title: 'message passing with independent writes around it',
  summary: 'data = 1, flag = 1 (released with the fix); a reader that saw flag must see data',
  fixes: { release: { commit: '000000000000', summary: 'smp_store_release() of flag, smp_load_acquire() of it' } },
  operations: {
    writer: {
      summary: 'noise; data = 1; flag = 1',
      kernel: 'writer()',
      *run(s: Mp, t: Thread<'release'>) {
        yield* (s.noise[0] as Var<number>).write(1);
        yield* s.data.write(1);
        if (t.fixed('release')) yield* s.flag.storeRelease(1);
        else yield* s.flag.write(1);
      },
    },
    reader: {
      summary: 'noise; r1 = flag; r2 = data',
      kernel: 'reader()',
      *run(s: Mp, t: Thread<'release'>) {
        yield* (s.noise[1] as Var<number>).write(1);
        const r1 = t.fixed('release') ? yield* s.flag.loadAcquire() : yield* s.flag.read();
        s.seen.push(r1, yield* s.data.read());
      },
    },
    noise: {
      summary: 'two writes nobody reads',
      kernel: 'noise()',
      *run(s: Mp) {
        yield* (s.noise[2] as Var<number>).write(1);
        yield* (s.noise[2] as Var<number>).write(2);
      },
    },
  },
  setup: (w) => ({ data: w.var('data', 0), flag: w.var('flag', 0), noise: [w.var('n0', 0), w.var('n1', 0), w.var('n2', 0)], seen: [] }),
  invariants: [{ name: 'mp', description: 'a reader that saw flag saw data', check: (s) => s.seen.length < 2 || s.seen[0] === 0 || s.seen[1] === 1 || 'flag=1 but data=0' }],
  scenarios: { maxThreads: 3, maxOpsPerThread: 2, maxOps: 4, catalogue: [{ name: 'mp', threads: [['writer'], ['reader'], ['noise']] }] },
});

describe('exploreWeak: sleep sets cut a state reached again at any cost', () => {
  for (const [name, fixes, scenario] of [
    ['without the fix (fails)', [], [['writer'], ['reader'], ['noise']]],
    ['with the fix (holds)', ['release'], [['writer'], ['reader'], ['noise']]],
    ['two roles a thread (fails)', [], [['writer', 'noise'], ['reader', 'noise']]],
  ] as const) {
    it(`lkmm, ${name}: same states, graphs, verdict and smallest failure`, () => {
      const plain = exploreWeak(mp, new Set(fixes), scenario, { memory: 'lkmm', sleepSets: false });
      const sleeping = exploreWeak(mp, new Set(fixes), scenario, { memory: 'lkmm', revisitCheaper: false });
      expect(sleeping.states).toBe(plain.states);
      // A run ends at its failure, so where some fail the graphs completed depend on the order.
      if (plain.failures === 0) expect(sleeping.distinct).toBe(plain.distinct);
      expect(sleeping.failures > 0).toBe(plain.failures > 0);
      expect(sleeping.failure).toEqual(plain.failure);
      expect(sleeping.executions).toBeLessThan(plain.executions);
      expect(sleeping.executions).toBeLessThanOrEqual(exploreWeak(mp, new Set(fixes), scenario, { memory: 'lkmm' }).executions);
      // Without sleep sets (and in the search for the smallest failure) the cost still matters.
      expect(exploreWeak(mp, new Set(fixes), scenario, { memory: 'lkmm', sleepSets: false, revisitCheaper: false }).failure).toEqual(plain.failure);
    });
  }

  it('the fix decides the verdict (the comparison is not vacuous)', () => {
    const failing = (fixes: string[]) => exploreWeak(mp, new Set(fixes), [['writer'], ['reader'], ['noise']], { memory: 'lkmm', revisitCheaper: false }).failure?.outcome.invariant;
    expect(failing([])).toBe('mp');
    expect(failing(['release'])).toBeUndefined();
  });
});
