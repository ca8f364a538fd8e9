import { describe, expect, it } from 'vitest';
import type { Counter, RwLock, Srcu, Thread, Var } from '../src/index.js';
import { enabled, runSchedule, start, tiny } from './fixtures/harness.js';

// Mutation-testing tests (issue #11): the primitives' footprints, predicates, waits-for sets,
// labels and misuse checks, one behaviour at a time.

const footprint = (run: ReturnType<typeof start>, tid: number) => run.pendingStep(tid)?.accesses.map((a) => `${a.obj.name}:${a.mode}`);

describe('CPUs and IPIs', () => {
  it('sendIpi goes to the given targets except the sender, writing each target CPU', () => {
    const m = tiny(() => ({ hits: [] as number[] }), [
      function* (s, t: Thread) { yield* t.world.cpus.ipiWait(yield* t.world.cpus.sendIpi((c) => s.hits.push(c), [0, 2])); },
      function* (_s, t) { yield* t.step('idle', {}); },
      function* (_s, t) { yield* t.cpu.irqDisable(); yield* t.cpu.irqEnable(); },
    ]);
    const run = start(m);
    expect(run.pendingStep(0)?.label).toBe('send IPI to CPU2');
    expect(footprint(run, 0)).toEqual(['CPU2:write']);
    run.step(2); // CPU2 interrupts off
    run.step(0);
    expect(run.s.hits).toEqual([]);
    expect(run.pendingStep(0)?.label).toBe('wait for IPI on CPU2');
    expect(footprint(run, 0)).toEqual(['CPU2:read']);
    expect(run.isEnabled(0)).toBe(false);
    expect(run.pendingStep(0)?.waitsFor?.(0)).toEqual([2]);
    run.step(2); // takes it
    expect(run.s.hits).toEqual([2]);
    expect(run.isEnabled(0)).toBe(true);
    expect(run.pendingStep(0)?.waitsFor?.(0)).toEqual([]);
  });

  it('an IPI to nobody is sent and waited for at once, and onEachCpu without wait is one step', () => {
    const alone = tiny(() => ({}), [function* (_s, t: Thread) { yield* t.world.cpus.onEachCpu(); }]);
    const ex = runSchedule(alone, [0, 0]);
    expect(ex.outcome.kind).toBe('ok');
    expect(ex.trace?.map((e) => e.label)).toEqual(['send IPI to nobody', 'wait for IPI on nobody']);
    expect(ex.trace?.map((e) => e.accesses.length)).toEqual([0, 0]);
    const noWait = tiny(() => ({ hits: [] as number[] }), [
      function* (s, t: Thread) { yield* t.world.cpus.onEachCpu((c) => s.hits.push(c), false); },
      function* (_s, t) { yield* t.cpu.irqDisable(); yield* t.cpu.irqEnable(); },
      function* (_s, t) { yield* t.step('idle', {}); },
    ]);
    const run = start(noWait);
    run.step(1);
    run.step(0);
    expect(run.isAlive(0)).toBe(false); // did not wait for CPU1
    expect(run.s.hits).toEqual([2]);
    run.step(1);
    expect(run.s.hits).toEqual([2, 1]);
  });

  it('queued IPIs are all taken, in order, when interrupts come back on; a CPU with them off is not kicked', () => {
    const m = tiny(() => ({ hits: [] as string[] }), [
      function* (s, t: Thread) { yield* t.world.cpus.sendIpi(() => s.hits.push('a'), [2]); },
      function* (s, t: Thread) { yield* t.world.cpus.sendIpi(() => s.hits.push('b'), [2]); },
      function* (_s, t) { yield* t.cpu.irqDisable(); yield* t.step('work', {}); yield* t.cpu.irqEnable(); },
    ]);
    const run = start(m);
    run.step(2);
    run.step(0);
    run.step(1);
    expect(run.world.cpu(2).state).toBe('host-irq-off');
    expect(run.s.hits).toEqual([]);
    run.step(2);
    expect(run.s.hits).toEqual([]);
    run.step(2);
    expect(run.s.hits).toEqual(['a', 'b']);
    expect(run.world.cpu(2).state).toBe('host-irq-on');
  });

  it('an IPI without a handler is still delivered and waited for', () => {
    const m = tiny(() => ({}), [
      function* (_s, t: Thread) { yield* t.world.cpus.onEachCpu(); },
      function* (_s, t) { yield* t.cpu.irqDisable(); yield* t.cpu.irqEnable(); },
    ]);
    const run = start(m);
    run.step(1);
    run.step(0);
    expect(run.isEnabled(0)).toBe(false);
    run.step(1);
    expect(run.isEnabled(0)).toBe(true);
  });

  it('exitGuest from the host leaves interrupts as they are; guest entry and irq steps check their state and CPU', () => {
    const on = tiny(() => ({}), [function* (_s, t) { yield* t.cpu.exitGuest(); }]);
    const run = start(on);
    run.step(0);
    expect(run.world.cpu(0).state).toBe('host-irq-on');
    const off = start(tiny(() => ({}), [function* (_s, t) { yield* t.cpu.irqDisable(); yield* t.cpu.exitGuest(); yield* t.step('x', {}); }]));
    off.step(0);
    off.step(0);
    expect(off.world.cpu(0).state).toBe('host-irq-off');
    const inGuest = tiny(() => ({}), [function* (_s, t) { yield* t.cpu.irqDisable(); yield* t.cpu.enterGuest(); yield* t.cpu.irqDisable(); }]);
    expect(runSchedule(inGuest, [0, 0, 0]).outcome).toMatchObject({ kind: 'oops', message: 'model misuse: CPU0: local_irq_disable while in a guest', step: 2 });
    const twice = tiny(() => ({}), [function* (_s, t) { yield* t.cpu.irqDisable(); yield* t.cpu.enterGuest(); yield* t.cpu.exitGuest(); yield* t.cpu.enterGuest(); yield* t.step('x', {}); }]);
    const r = start(twice);
    for (let i = 0; i < 4; i++) r.step(0);
    expect(r.world.cpu(0).inGuest).toBe(true);
    expect(r.world.cpu(0).describe()).toBe('in-guest');
    for (const [what, body] of [
      ['local_irq_enable', function* (_s: unknown, t: Thread) { yield* t.world.cpu(1).irqEnable(); }],
      ['enter guest', function* (_s: unknown, t: Thread) { yield* t.world.cpu(1).enterGuest(); }],
      ['exit guest', function* (_s: unknown, t: Thread) { yield* t.world.cpu(1).exitGuest(); }],
    ] as const) {
      const other = tiny(() => ({}), [body, function* () {}]);
      expect(runSchedule(other, [0]).outcome.message).toBe(`model misuse: ${what} on CPU1 from CPU0`);
    }
    expect(start(on).world.cpu(0).inGuest).toBe(false);
  });
});

describe('locks', () => {
  it('a blocked acquire waits for the holder; the holder is described', () => {
    const m = tiny((w) => ({ l: w.spinlock('l') }), [function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }, function* (s) { yield* s.l.lock(); yield* s.l.unlock(); }]);
    const run = start(m);
    expect(run.pendingStep(1)?.waitsFor?.(1)).toEqual([]);
    run.step(0);
    expect(run.pendingStep(1)?.waitsFor?.(1)).toEqual([0]);
    expect(run.s.l.describe()).toBe('held by CPU0');
    expect(footprint(run, 1)).toEqual(['l:write']);
    expect(footprint(run, 0)).toEqual(['l:write']);
    run.step(0);
    expect(run.s.l.describe()).toBe('free');
    expect(run.s.l.holder).toBe(-1);
  });

  it('rwlock: readers wait for a writer, a writer for every reader; read holds count per thread', () => {
    const m = tiny((w) => ({ rw: w.rwlock('rw') }), [
      function* (s: { rw: RwLock }) { yield* s.rw.readLock(); yield* s.rw.readLock(); yield* s.rw.readUnlock(); yield* s.rw.readUnlock(); },
      function* (s: { rw: RwLock }) { yield* s.rw.readLock(); yield* s.rw.readUnlock(); },
      function* (s: { rw: RwLock }) { yield* s.rw.writeLock(); yield* s.rw.writeUnlock(); },
    ]);
    const run = start(m);
    expect(run.s.rw.describe()).toBe('free');
    expect(run.s.rw.isFree).toBe(true);
    run.step(0);
    run.step(0);
    run.step(1);
    expect(run.s.rw.readers).toBe(3);
    expect(run.s.rw.holders()).toEqual([0, 1]);
    expect(run.s.rw.describe()).toBe('read-held by CPU0,CPU1');
    expect(run.isEnabled(2)).toBe(false);
    expect(run.pendingStep(2)?.waitsFor?.(2)).toEqual([0, 1]);
    run.step(0);
    expect(run.s.rw.readers).toBe(2);
    expect(run.s.rw.holders()).toEqual([0, 1]);
    run.step(1);
    expect(run.s.rw.holders()).toEqual([0]);
    expect(run.isEnabled(2)).toBe(false);
    run.step(0);
    expect(run.s.rw.readers).toBe(0);
    expect(run.s.rw.isFree).toBe(true);
    expect(run.s.rw.holders()).toEqual([]);
    expect(run.pendingStep(2)?.waitsFor?.(2)).toEqual([]);
    run.step(2);
    expect(run.s.rw.isFree).toBe(false);
    expect(run.s.rw.holders()).toEqual([2]);
    expect(run.pendingStep(2)?.label).toBe('write_unlock(rw)');
    run.step(2);
    expect(run.s.rw.writer).toBe(-1);
  });

  it('rwlock: a reader blocked by a writer waits for it', () => {
    const m = tiny((w) => ({ rw: w.rwlock('rw') }), [
      function* (s: { rw: RwLock }) { yield* s.rw.writeLock(); yield* s.rw.writeUnlock(); },
      function* (s: { rw: RwLock }) { yield* s.rw.readLock(); yield* s.rw.readUnlock(); },
    ]);
    const run = start(m);
    expect(run.pendingStep(1)?.waitsFor?.(1)).toEqual([]);
    run.step(0);
    expect(run.isEnabled(1)).toBe(false);
    expect(run.pendingStep(1)?.waitsFor?.(1)).toEqual([0]);
    expect(run.pendingStep(1)?.label).toBe('read_lock(rw)');
    run.step(0);
    run.step(1);
    expect(run.pendingStep(1)?.label).toBe('read_unlock(rw)');
    expect(footprint(run, 1)).toEqual(['rw:write']);
  });

  it('rwlock: a read unlock by a thread that holds none is misuse even while others read; write unlock by a reader too', () => {
    const m = tiny((w) => ({ rw: w.rwlock('rw') }), [
      function* (s: { rw: RwLock }) { yield* s.rw.readLock(); yield* s.rw.readUnlock(); },
      function* (s: { rw: RwLock }) { yield* s.rw.readUnlock(); },
    ]);
    expect(runSchedule(m, [0, 1]).outcome).toMatchObject({ kind: 'oops', message: 'model misuse: read_unlock(rw) by CPU1, which holds no read lock', thread: 1 });
    const twice = tiny((w) => ({ rw: w.rwlock('rw') }), [function* (s: { rw: RwLock }) { yield* s.rw.readLock(); yield* s.rw.readUnlock(); yield* s.rw.readUnlock(); }]);
    expect(runSchedule(twice, [0, 0, 0]).outcome.message).toMatch(/read_unlock\(rw\) by CPU0, which holds no read lock/);
    const other = tiny((w) => ({ rw: w.rwlock('rw') }), [
      function* (s: { rw: RwLock }) { yield* s.rw.writeLock(); yield* s.rw.writeUnlock(); },
      function* (s: { rw: RwLock }) { yield* s.rw.writeUnlock(); },
    ]);
    expect(runSchedule(other, [0, 1]).outcome.message).toBe('model misuse: write_unlock(rw) by CPU1, which does not hold it');
  });
});

describe('seqcount', () => {
  it('begin returns the even sequence; retry compares with it; begin and retry read, writers write', () => {
    const got: unknown[] = [];
    const m = tiny((w) => ({ seq: w.seqcount('sq') }), [
      function* (s) {
        const a = yield* s.seq.readBegin();
        got.push(a, yield* s.seq.readRetry(a));
        const b = yield* s.seq.readBegin();
        got.push(b, yield* s.seq.readRetry(b), yield* s.seq.readRetry(b + 2));
      },
      function* (s) { yield* s.seq.writeBegin(); yield* s.seq.writeEnd(); },
    ]);
    const run = start(m);
    expect(footprint(run, 0)).toEqual(['sq:read']);
    expect(footprint(run, 1)).toEqual(['sq:write']);
    for (const t of [0, 0, 1, 1, 0, 0, 0]) run.step(t);
    expect(got).toEqual([0, false, 2, false, true]);
    expect(run.s.seq.describe()).toBe('2');
  });
});

describe('SRCU', () => {
  it('a grace period waits only for the readers that have not left yet, and names them', () => {
    const reader = function* (s: { srcu: Srcu }) { yield* s.srcu.readLock(); yield* s.srcu.readUnlock(); };
    const m = tiny((w) => ({ srcu: w.srcu('sr') }), [reader, reader, function* (s: { srcu: Srcu }) { yield* s.srcu.synchronize(); }]);
    const run = start(m);
    expect(footprint(run, 0)).toEqual(['sr:write']);
    expect(footprint(run, 2)).toEqual(['sr:read']);
    expect(run.pendingStep(2)?.label).toBe('synchronize_srcu(sr): snapshot readers');
    run.step(0);
    run.step(1);
    expect(run.s.srcu.readers()).toEqual([0, 1]);
    expect(run.s.srcu.describe()).toBe('readers CPU0,CPU1');
    expect(run.s.srcu.isReader(1)).toBe(true);
    expect(run.s.srcu.isReader(2)).toBe(false);
    expect(run.s.srcu.isReader(9)).toBe(false);
    run.step(2);
    expect(run.pendingStep(2)?.label).toBe('synchronize_srcu(sr): wait for CPU0,CPU1');
    expect(footprint(run, 2)).toEqual(['sr:read']);
    expect(run.pendingStep(2)?.waitsFor?.(2)).toEqual([0, 1]);
    run.step(1);
    expect(run.pendingStep(2)?.waitsFor?.(2)).toEqual([0]);
    expect(run.isEnabled(2)).toBe(false);
    run.step(0);
    expect(run.pendingStep(2)?.waitsFor?.(2)).toEqual([]);
    expect(run.isEnabled(2)).toBe(true);
    run.step(2);
    expect(run.outcome?.kind).toBe('ok');
  });

  it('the two halves can be taken apart, and a grace period with no readers is complete', () => {
    const m = tiny((w) => ({ srcu: w.srcu('sr'), done: false }), [
      function* (s) {
        const gp = yield* s.srcu.startGracePeriod();
        expect(gp.waitFor).toEqual([{ tid: 1, endedBefore: 1 }]);
        expect(s.srcu.isComplete(gp)).toBe(false);
        yield* s.srcu.waitGracePeriod(gp);
        expect(s.srcu.isComplete(gp)).toBe(true);
        expect(s.srcu.isComplete({ waitFor: [] })).toBe(true);
        s.done = true;
      },
      function* (s: { srcu: Srcu }) { yield* s.srcu.readLock(); yield* s.srcu.readUnlock(); yield* s.srcu.readLock(); yield* s.srcu.readUnlock(); },
    ]);
    const run = start(m);
    run.step(1);
    run.step(1);
    run.step(1); // second section: one ended before the snapshot
    run.step(0);
    run.step(1);
    run.step(0);
    expect(run.outcome?.kind).toBe('ok');
    expect(run.s.done).toBe(true);
  });
});

describe('the mmu notifier', () => {
  it('retry reads both counters; the end of an invalidation writes both', () => {
    const m = tiny((w) => ({ mn: w.mmuNotifier() }), [
      function* (s) { const seq = yield* s.mn.readSeq(); yield* s.mn.retry(seq + 3); },
      function* (s) { yield* s.mn.invalidateRangeStart(); yield* s.mn.invalidateRangeEnd(); },
    ]);
    const run = start(m);
    expect(footprint(run, 0)).toEqual(['mmu_notifier_seq:read']);
    expect(footprint(run, 1)).toEqual(['mmu_notifier_count:write']);
    run.step(0);
    run.step(1);
    expect(run.pendingStep(0)?.label).toBe('mmu_notifier_retry(mmu_seq=3)');
    expect(footprint(run, 0)).toEqual(['mmu_notifier_count:read', 'mmu_notifier_seq:read']);
    expect(footprint(run, 1)).toEqual(['mmu_notifier_seq:write', 'mmu_notifier_count:write']);
    const seq = run.s.mn.seq;
    const count = run.s.mn.count;
    const versions = [seq.version, count.version];
    run.step(1);
    expect([seq.value, count.value]).toEqual([1, 0]);
    expect([seq.version, count.version]).toEqual([versions[0]! + 1, versions[1]! + 1]);
  });

  it('retry is false only when nothing is in progress and seq is the one sampled', () => {
    const verdicts: boolean[] = [];
    const m = tiny((w) => ({ mn: w.mmuNotifier() }), [
      function* (s) { verdicts.push(yield* s.mn.retry(0), yield* s.mn.retry(1)); },
    ]);
    runSchedule(m, [0, 0]);
    expect(verdicts).toEqual([false, true]);
  });
});

describe('variables and counters', () => {
  it('labelled reads and writes touch the variable as plain ones do; update returns the new value', () => {
    const got: unknown[] = [];
    const m = tiny((w) => ({ v: w.var('v', 'a'), c: w.counter('c', 1) }), [
      function* (s: { v: Var<string>; c: Counter }) {
        got.push(yield* s.v.read('load v'));
        yield* s.v.write('b', 'store v');
        got.push(yield* s.v.update((x) => `${x}c`, 'v += c'));
        got.push(yield* s.c.add(3));
        got.push(yield* s.c.increment());
        got.push(yield* s.c.increment());
      },
    ]);
    const ex = runSchedule(m, [0, 0, 0, 0, 0, 0]);
    expect(got).toEqual(['a', 'bc', 4, 5, 6]);
    expect(ex.trace?.map((e) => `${e.label}|${e.accesses.map((a) => `${a.name}:${a.mode}=${a.value}`).join()}`)).toEqual([
      'load v|v:read=a',
      'store v|v:write=b',
      'v += c|v:write=bc',
      'c += 3|c:write=4',
      'c++|c:write=5',
      'c++|c:write=6',
    ]);
  });

  it('every assignment bumps the version, a read does not', () => {
    const m = tiny((w) => ({ v: w.var('v', 0) }), [function* (s) { yield* s.v.read(); yield* s.v.write(1); yield* s.v.update((x) => x); }]);
    const run = start(m);
    run.step(0);
    expect(run.s.v.version).toBe(0);
    run.step(0);
    expect(run.s.v.version).toBe(1);
    run.step(0);
    expect(run.s.v.version).toBe(2);
    expect(run.s.v.value).toBe(1);
  });

  it('awaitChange sees a change made by an update or a counter step', () => {
    const m = tiny((w) => ({ c: w.counter('c') }), [
      function* (s, t: Thread) { yield* t.awaitChange('wait c', [s.c]); },
      function* (s) { yield* s.c.increment(); },
    ]);
    const run = start(m);
    expect(enabled(run)).toEqual([1]);
    run.step(1);
    expect(enabled(run)).toEqual([0]);
  });
});
