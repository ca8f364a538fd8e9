import { describe, expect, it } from 'vitest';
import type { RwLock, Srcu, Thread } from '../src/index.js';
import { enabled, runSchedule, start, tiny } from './fixtures/harness.js';

// Mutation-testing tests (issue #11): CPUs without an IPI handler or outside a guest, the
// read-held rwlock, and CPU0 as an SRCU reader.

describe('CPUs', () => {
  it('an IPI without a handler to a CPU with interrupts on is taken at once', () => {
    const m = tiny(() => ({}), [function* (_s, t: Thread) { yield* t.world.cpus.onEachCpu(); }, function* (_s, t) { yield* t.step('idle', {}); }]);
    const ex = runSchedule(m, [0, 0, 1]);
    expect(ex.outcome.kind).toBe('ok');
    expect(ex.trace?.map((e) => e.label)).toEqual(['send IPI to CPU1', 'wait for IPI on CPU1', 'idle']);
  });

  it('leaving a guest one is not in changes nothing', () => {
    const m = tiny(() => ({}), [function* (_s, t: Thread) { yield* t.cpu.exitGuest(); yield* t.step('after', {}); }]);
    const run = start(m);
    run.step(0);
    expect(run.world.cpu(0).state).toBe('host-irq-on');
    expect(run.world.cpu(0).describe()).toBe('host-irq-on');
  });
});

describe('rwlock', () => {
  it('is not free while read-held, and free again after', () => {
    const m = tiny((w) => ({ l: w.rwlock('l') as RwLock }), [function* (s) { yield* s.l.readLock(); yield* s.l.readUnlock(); }, function* (s) { yield* s.l.writeLock(); yield* s.l.writeUnlock(); }]);
    const run = start(m);
    expect(run.s.l.isFree).toBe(true);
    run.step(0);
    expect(run.s.l.isFree).toBe(false);
    expect(enabled(run)).toEqual([0]); // the writer waits
    run.step(0);
    expect(run.s.l.isFree).toBe(true);
  });
});

describe('SRCU', () => {
  it('CPU0 in a read section holds up a grace period like any other CPU', () => {
    const m = tiny((w) => ({ srcu: w.srcu('ss') as Srcu }), [
      function* (s) { yield* s.srcu.readLock(); yield* s.srcu.readUnlock(); },
      function* (s) { yield* s.srcu.synchronize(); },
    ]);
    const run = start(m);
    run.step(0);
    expect(run.s.srcu.isReader(0)).toBe(true);
    expect(run.s.srcu.readers()).toEqual([0]);
    expect(run.s.srcu.describe()).toBe('readers CPU0');
    run.step(1); // the snapshot sees CPU0
    expect(run.pendingStep(1)?.label).toBe('synchronize_srcu(ss): wait for CPU0');
    expect(enabled(run)).toEqual([0]);
    run.step(0);
    expect(run.s.srcu.isReader(0)).toBe(false);
    expect(enabled(run)).toEqual([1]);
  });
});
