import { describe, expect, it } from 'vitest';
import { type Counter, type Lock, type RwLock, type SeqCount, type Var } from '../src/index.js';
import { enabled, runSchedule, start, tiny } from './fixtures/harness.js';

describe('spinlock and mutex', () => {
  const m = tiny(
    (w) => ({ l: w.spinlock('l'), x: w.var('x', 0) }),
    [
      function* (s) {
        yield* s.l.lock();
        yield* s.x.write(1);
        yield* s.l.unlock();
      },
      function* (s) {
        yield* s.l.lock();
        yield* s.x.write(2);
        yield* s.l.unlock();
      },
    ],
  );

  it('blocks a second locker until the holder unlocks', () => {
    const run = start(m);
    expect(enabled(run)).toEqual([0, 1]);
    run.step(0);
    expect(run.s.l.holder).toBe(0);
    expect(run.s.l.isFree).toBe(false);
    expect(enabled(run)).toEqual([0]);
    expect(run.isEnabled(1)).toBe(false);
    expect(() => run.step(1)).toThrow(/cannot take a step/);
    run.step(0);
    run.step(0);
    expect(run.s.l.isFree).toBe(true);
    expect(enabled(run)).toEqual([1]);
    run.step(1);
    expect(run.s.l.holder).toBe(1);
  });

  it('labels steps with the flavour and describes the holder', () => {
    const ex = runSchedule(m, [0, 0, 0, 1, 1, 1]);
    expect(ex.outcome.kind).toBe('ok');
    expect(ex.trace?.map((e) => e.label)).toEqual(['spin_lock(l)', 'write x', 'spin_unlock(l)', 'spin_lock(l)', 'write x', 'spin_unlock(l)']);
    expect(ex.trace?.[0]?.accesses).toEqual([{ name: 'l', kind: 'lock', mode: 'write', value: 'held by CPU0' }]);
    expect(ex.trace?.[2]?.accesses[0]?.value).toBe('free');
    const mm = tiny((w) => ({ l: w.mutex('big') }), [function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }]);
    expect(runSchedule(mm, [0, 0]).trace?.map((e) => e.label)).toEqual(['mutex_lock(big)', 'mutex_unlock(big)']);
  });

  it('unlocking a lock one does not hold is model misuse (an oops)', () => {
    const bad = tiny((w) => ({ l: w.spinlock('l') }), [function* (s: { l: Lock }) { yield* s.l.unlock(); }]);
    const ex = runSchedule(bad, [0]);
    expect(ex.outcome).toMatchObject({ kind: 'oops', thread: 0, step: 0 });
    expect(ex.outcome.message).toMatch(/model misuse: spin_unlock\(l\) by CPU0, which does not hold it/);
  });

  it('taking a lock twice deadlocks with a self-cycle', () => {
    const twice = tiny((w) => ({ l: w.spinlock('l') }), [function* (s: { l: Lock }) { yield* s.l.lock(); yield* s.l.lock(); }]);
    const run = start(twice);
    run.step(0);
    expect(enabled(run)).toEqual([]);
    run.declareDeadlock();
    expect(run.outcome).toMatchObject({ kind: 'deadlock', cycle: [0, 0] });
  });
});

describe('rwlock', () => {
  const reader = function* (s: { rw: RwLock }) {
    yield* s.rw.readLock();
    yield* s.rw.readUnlock();
  };
  const writer = function* (s: { rw: RwLock }) {
    yield* s.rw.writeLock();
    yield* s.rw.writeUnlock();
  };

  it('lets many readers in at once and keeps the writer out', () => {
    const run = start(tiny((w) => ({ rw: w.rwlock('rw') }), [reader, reader, writer]));
    run.step(0);
    run.step(1);
    expect(run.s.rw.readers).toBe(2);
    expect(run.s.rw.holders()).toEqual([0, 1]);
    expect(enabled(run)).toEqual([0, 1]);
    run.step(0);
    expect(enabled(run)).toEqual([1]);
    run.step(1);
    expect(enabled(run)).toEqual([2]);
    run.step(2);
    expect(run.s.rw.writer).toBe(2);
    expect(run.s.rw.isFree).toBe(false);
  });

  it('a writer keeps readers and writers out', () => {
    const run = start(tiny((w) => ({ rw: w.rwlock('rw') }), [writer, reader, writer]));
    run.step(0);
    expect(enabled(run)).toEqual([0]);
    expect(run.s.rw.describe()).toBe('write-held by CPU0');
    run.step(0);
    expect(enabled(run)).toEqual([1, 2]);
  });

  it('names the readers a blocked writer waits for, and refuses unbalanced unlocks', () => {
    const m = tiny(
      (w) => ({ rw: w.rwlock('rw'), l: w.spinlock('l') }),
      [
        function* (s) {
          yield* s.rw.readLock();
          yield* s.l.lock();
        },
        function* (s) {
          yield* s.l.lock();
          yield* s.rw.writeLock();
        },
      ],
    );
    const run = start(m);
    run.step(0);
    run.step(1);
    expect(enabled(run)).toEqual([]);
    run.declareDeadlock();
    expect(run.outcome?.kind).toBe('deadlock');
    expect(run.outcome?.cycle).toEqual([0, 1, 0]);
    expect(run.outcome?.message).toMatch(/waits-for cycle CPU0 -> CPU1 -> CPU0: CPU0 at spin_lock\(l\); CPU1 at write_lock\(rw\)/);

    const ru = runSchedule(tiny((w) => ({ rw: w.rwlock('rw') }), [function* (s: { rw: RwLock }) { yield* s.rw.readUnlock(); }]), [0]);
    expect(ru.outcome.message).toMatch(/read_unlock\(rw\) by CPU0, which holds no read lock/);
    const wu = runSchedule(tiny((w) => ({ rw: w.rwlock('rw') }), [function* (s: { rw: RwLock }) { yield* s.rw.writeUnlock(); }]), [0]);
    expect(wu.outcome.message).toMatch(/write_unlock\(rw\) by CPU0, which does not hold it/);
  });
});

describe('seqcount', () => {
  /** Reads x and y consistently; reports what it saw and how many times it retried. */
  const m = tiny(
    (w) => ({ seq: w.seqcount('seq'), x: w.var('x', 0), y: w.var('y', 0), seen: [] as number[][], retries: 0 }),
    [
      function* (s) {
        for (;;) {
          const start = yield* s.seq.readBegin();
          const x = yield* s.x.read();
          const y = yield* s.y.read();
          if (!(yield* s.seq.readRetry(start))) {
            s.seen.push([x, y]);
            return;
          }
          s.retries++;
        }
      },
      function* (s) {
        yield* s.seq.writeBegin();
        yield* s.x.write(1);
        yield* s.y.write(1);
        yield* s.seq.writeEnd();
      },
    ],
  );

  it('begin waits while a writer is inside (odd sequence)', () => {
    const run = start(m);
    run.step(1);
    expect(run.s.seq.sequence).toBe(1);
    expect(enabled(run)).toEqual([1]);
    run.step(1);
    run.step(1);
    run.step(1);
    expect(run.s.seq.sequence).toBe(2);
    expect(enabled(run)).toEqual([0]);
  });

  it('retry is true when a writer came and went, and the reader goes round again', () => {
    // reader begins (seq 0), reads x=0; writer does it all; reader reads y=1, retry -> true; again.
    const ex = runSchedule(m, [0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(ex.outcome.kind).toBe('ok');
    const run = start(m);
    for (const t of [0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]) run.step(t);
    expect(run.s.retries).toBe(1);
    expect(run.s.seen).toEqual([[1, 1]]);
  });

  it('every random schedule sees a consistent pair', async () => {
    const { RandomWalk, execute } = await import('../src/index.js');
    const rw = new RandomWalk(9);
    for (let i = 0; i < 200; i++) {
      const ex = execute(m.model, new Set(), m.scenario, rw);
      expect(ex.outcome.kind).toBe('ok');
    }
  });

  it('retry is false when nothing was written', () => {
    const run = start(m);
    for (const t of [0, 0, 0, 0]) run.step(t);
    expect(run.s.retries).toBe(0);
    expect(run.s.seen).toEqual([[0, 0]]);
    expect((run.s.seq as SeqCount).describe()).toBe('0');
  });
});

describe('var and counter', () => {
  it('read, write, update, increment and add take one step each and return values', () => {
    const got: unknown[] = [];
    const m = tiny(
      (w) => ({ v: w.var('v', 10), c: w.counter('c', 5) }),
      [
        function* (s: { v: Var<number>; c: Counter }) {
          got.push(yield* s.v.read());
          yield* s.v.write(11, 'v = 11');
          got.push(yield* s.v.update((x) => x * 2));
          got.push(yield* s.c.increment());
          got.push(yield* s.c.add(10));
          got.push(yield* s.c.increment('c++ again'));
          got.push(yield* s.c.read('sample c'));
        },
      ],
    );
    const ex = runSchedule(m, [0, 0, 0, 0, 0, 0, 0]);
    expect(ex.outcome.kind).toBe('ok');
    expect(got).toEqual([10, 22, 6, 16, 17, 17]);
    expect(ex.trace?.map((e) => e.label)).toEqual(['read v', 'v = 11', 'write v', 'c++', 'c += 10', 'c++ again', 'sample c']);
    expect(ex.trace?.map((e) => e.accesses.map((a) => `${a.name}:${a.mode}=${a.value}`).join())).toEqual(['v:read=10', 'v:write=11', 'v:write=22', 'c:write=6', 'c:write=16', 'c:write=17', 'c:read=17']);
  });

  it('the version counts writes, so awaitChange waits for a write', () => {
    const m = tiny(
      (w) => ({ v: w.var('v', 0) }),
      [
        function* (s, t) {
          yield* t.awaitChange('wait for v', [s.v]);
        },
        function* (s) {
          yield* s.v.write(0); // the same value, still a write
        },
      ],
    );
    const run = start(m);
    expect(enabled(run)).toEqual([1]);
    run.step(1);
    expect(run.s.v.version).toBe(1);
    expect(enabled(run)).toEqual([0]);
  });
});
