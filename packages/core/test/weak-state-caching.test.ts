import { describe, expect, it } from 'vitest';
import { defineModel, exploreWeak, type Lock, type Srcu, type Thread, type Var, type WeakExploreResult } from '../src/index.js';

// State caching in exploreWeak (verify-weak.ts, weak-state-key.ts) must change no verdict: on
// small models, with and without their barriers and fixes, under tso and lkmm, the cached search
// finds exactly the outcomes the plain one finds (each kind, invariant and message), while
// making fewer runs where interleavings share states.

interface Wrc {
  x: Var<number>;
  y: Var<number>;
  /** What the relay read of x, and what the observer read of y then x. */
  seen: number[][];
}

/** WRC (write-to-read causality), litmus-tests/WRC+pooncerelease+fencermbonceonce+Once.litmus's shape. */
const wrc = defineModel({
  name: 'wrc-cache',
  title: 'write-to-read causality',
  summary: 'x = 1; a relay that saw x sets y; an observer that sees y must see x',
  fixes: {},
  barriers: {
    'relay:smp_mb': { summary: 'orders the read of x before the write of y (cumulative)' },
    'observer:smp_rmb': { summary: 'orders the read of y before the read of x' },
  },
  operations: {
    writer: { summary: 'x = 1', kernel: 'writer()', *run(s: Wrc) { yield* s.x.write(1); } },
    relay: {
      summary: 'r = x; smp_mb(); y = r',
      kernel: 'relay()',
      *run(s: Wrc, t: Thread) {
        const r = yield* s.x.read();
        t.smp_mb('relay');
        if (r === 1) yield* s.y.write(1);
        s.seen.push([r]);
      },
    },
    observer: {
      summary: 'a = y; smp_rmb(); b = x',
      kernel: 'observer()',
      *run(s: Wrc, t: Thread) {
        const a = yield* s.y.read();
        t.smp_rmb('observer');
        s.seen.push([a, yield* s.x.read()]);
      },
    },
  },
  setup: (w) => ({ x: w.var('x', 0), y: w.var('y', 0), seen: [] }),
  invariants: [{ name: 'causality', description: 'an observer that saw y saw x', check: (s) => s.seen.every((v) => v.length < 2 || v[0] === 0 || v[1] === 1) || 'y=1 but x=0' }],
  scenarios: { maxThreads: 3, maxOpsPerThread: 2, maxOps: 4, catalogue: [{ name: 'wrc', threads: [['writer'], ['relay'], ['observer']] }] },
});

interface Pub {
  lock: Lock;
  srcu: Srcu;
  ptr: Var<string | null>;
  freed: Var<boolean>;
  count: Var<number>;
}

/** A pointer retired under SRCU, and a counter bumped with plain accesses under a lock or not. */
const pub = defineModel({
  name: 'srcu-publish-cache',
  title: 'SRCU-protected pointer and a locked counter',
  summary: 'the updater clears ptr, waits for readers (fix), frees; readers use what they read',
  fixes: {
    'sync': { commit: '000000000000', summary: 'synchronize_srcu() before the free' },
    'lock': { commit: '000000000000', summary: 'the counter bump under the lock' },
  },
  operations: {
    reader: {
      summary: 'idx = srcu_read_lock(); p = READ_ONCE(ptr); use p; srcu_read_unlock()',
      kernel: 'reader()',
      *run(s: Pub, t: Thread<'sync' | 'lock'>) {
        yield* s.srcu.readLock();
        const p = yield* s.ptr.read();
        if (p !== null && (yield* s.freed.read())) t.oops('use after free');
        yield* s.srcu.readUnlock();
      },
    },
    updater: {
      summary: 'WRITE_ONCE(ptr, NULL); synchronize_srcu(); freed = true',
      kernel: 'updater()',
      *run(s: Pub, t: Thread<'sync' | 'lock'>) {
        yield* s.ptr.write(null);
        if (t.fixed('sync')) yield* s.srcu.synchronize();
        yield* s.freed.write(true);
      },
    },
    bump: {
      summary: 'spin_lock(); count = count + 1; spin_unlock()',
      kernel: 'bump()',
      *run(s: Pub, t: Thread<'sync' | 'lock'>) {
        if (t.fixed('lock')) yield* s.lock.lock();
        const v = yield* s.count.plainRead();
        yield* s.count.plainWrite(v + 1);
        if (t.fixed('lock')) yield* s.lock.unlock();
      },
    },
  },
  setup: (w) => ({ lock: w.spinlock('lock'), srcu: w.srcu('srcu'), ptr: w.var<string | null>('ptr', 'P'), freed: w.var('freed', false), count: w.var('count', 0) }),
  invariants: [],
  scenarios: { maxThreads: 3, maxOpsPerThread: 2, maxOps: 4, catalogue: [{ name: 'r-u', threads: [['reader'], ['updater']] }, { name: 'bumps', threads: [['bump'], ['bump']] }] },
});

/** The distinct outcomes a search found: kind, invariant and message (a data race's steps left out: which pair a run names first depends on its order). */
function outcomes(model: typeof wrc | typeof pub, fixes: Set<string>, scenario: string[][], memory: 'tso' | 'lkmm', off: Set<string>, stateCaching: boolean): { set: string[]; r: WeakExploreResult } {
  const set = new Set<string>();
  const r = exploreWeak(model, fixes, scenario, {
    memory,
    withoutBarriers: off,
    stateCaching,
    onExecution: (run) => set.add(`${run.outcome?.kind}:${run.outcome?.invariant ?? ''}:${(run.outcome?.message ?? '').replace(/CPU\d.*/, '')}`),
  });
  return { set: [...set].sort(), r };
}

describe('exploreWeak state caching changes no verdict', () => {
  const cases: Array<{ name: string; model: typeof wrc | typeof pub; fixes: string[]; scenario: string[][]; off: string[] }> = [
    { name: 'WRC', model: wrc, fixes: [], scenario: [['writer'], ['relay'], ['observer']], off: [] },
    { name: 'WRC without the relay\'s smp_mb', model: wrc, fixes: [], scenario: [['writer'], ['relay'], ['observer']], off: ['relay:smp_mb'] },
    { name: 'WRC without the observer\'s smp_rmb', model: wrc, fixes: [], scenario: [['writer'], ['relay'], ['observer']], off: ['observer:smp_rmb'] },
    { name: 'WRC, two roles a thread', model: wrc, fixes: [], scenario: [['writer', 'observer'], ['relay', 'observer']], off: [] },
    { name: 'SRCU with synchronize', model: pub, fixes: ['sync'], scenario: [['reader'], ['updater']], off: [] },
    { name: 'SRCU without synchronize', model: pub, fixes: [], scenario: [['reader'], ['updater']], off: [] },
    { name: 'SRCU and a locked counter', model: pub, fixes: ['sync', 'lock'], scenario: [['reader', 'bump'], ['updater', 'bump']], off: [] },
    { name: 'plain counter without the lock (a data race)', model: pub, fixes: ['sync'], scenario: [['bump'], ['bump']], off: [] },
  ];
  for (const c of cases) {
    for (const memory of ['lkmm', 'tso'] as const) {
      it(`${memory}: ${c.name}`, () => {
        const plain = outcomes(c.model, new Set(c.fixes), c.scenario, memory, new Set(c.off), false);
        const cached = outcomes(c.model, new Set(c.fixes), c.scenario, memory, new Set(c.off), true);
        expect(cached.set).toEqual(plain.set);
        expect(cached.r.failures > 0).toBe(plain.r.failures > 0);
        expect(plain.r.stateHits).toBe(0);
        expect(cached.r.executions).toBeLessThanOrEqual(plain.r.executions);
      });
    }
  }

  it('the failing cases fail and the others hold (the comparison is not vacuous)', () => {
    const failing = (m: typeof wrc | typeof pub, fixes: string[], sc: string[][], off: string[]) => exploreWeak(m, new Set(fixes), sc, { memory: 'lkmm', withoutBarriers: new Set(off) }).failures > 0;
    expect(failing(wrc, [], [['writer'], ['relay'], ['observer']], [])).toBe(false);
    expect(failing(wrc, [], [['writer'], ['relay'], ['observer']], ['relay:smp_mb'])).toBe(true);
    expect(failing(wrc, [], [['writer'], ['relay'], ['observer']], ['observer:smp_rmb'])).toBe(true);
    expect(failing(pub, ['sync'], [['reader'], ['updater']], [])).toBe(false);
    expect(failing(pub, [], [['reader'], ['updater']], [])).toBe(true);
    expect(failing(pub, ['sync'], [['bump'], ['bump']], [])).toBe(true);
  });

  it('cuts runs where interleavings meet (fewer runs on a scenario with independent steps)', () => {
    const sc = [['writer', 'observer'], ['relay', 'observer']];
    const plain = exploreWeak(wrc, new Set(), sc, { memory: 'lkmm', stateCaching: false });
    const cached = exploreWeak(wrc, new Set(), sc, { memory: 'lkmm' });
    expect(cached.stateHits).toBeGreaterThan(0);
    // Not every meeting is cut: one whose sleep set leaves awake a thread that slept at the first
    // visit goes on, and so does, in the search without sleep sets that a failure adds, one with
    // fewer preemptions (or weak edges), to keep the smallest failure.
    expect(cached.executions).toBeLessThan(plain.executions);
  });
});
