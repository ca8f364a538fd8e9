import { describe, expect, it } from 'vitest';
import type { Srcu } from '../src/index.js';
import { enabled, runSchedule, start, tiny } from './fixtures/harness.js';

describe('SRCU', () => {
  const reader = function* (s: { srcu: Srcu }) {
    yield* s.srcu.readLock();
    yield* s.srcu.readUnlock();
  };
  const sync = function* (s: { srcu: Srcu }) {
    yield* s.srcu.synchronize();
  };

  it('synchronize waits for a reader that began before it', () => {
    const run = start(tiny((w) => ({ srcu: w.srcu('srcu') }), [reader, sync]));
    run.step(0); // srcu_read_lock
    run.step(1); // snapshot: CPU0 is a reader
    expect(run.pendingStep(1)?.label).toBe('synchronize_srcu(srcu): wait for CPU0');
    expect(enabled(run)).toEqual([0]);
    run.step(0); // srcu_read_unlock
    expect(enabled(run)).toEqual([1]);
    run.step(1);
    expect(run.outcome?.kind).toBe('ok');
  });

  it('a reader that begins after the snapshot does not delay it', () => {
    const run = start(tiny((w) => ({ srcu: w.srcu('srcu') }), [sync, reader]));
    run.step(0); // snapshot: no readers
    run.step(1); // a new reader enters
    expect(run.s.srcu.readers()).toEqual([1]);
    expect(run.isEnabled(0)).toBe(true);
    expect(run.pendingStep(0)?.label).toBe('synchronize_srcu(srcu): wait for no readers');
  });

  it('a reader that leaves and comes back still ends the grace period', () => {
    const again = function* (s: { srcu: Srcu }) {
      yield* s.srcu.readLock();
      yield* s.srcu.readUnlock();
      yield* s.srcu.readLock();
      yield* s.srcu.readUnlock();
    };
    const run = start(tiny((w) => ({ srcu: w.srcu('srcu') }), [again, sync]));
    run.step(0);
    run.step(1); // snapshot while CPU0 is in its first section
    run.step(0); // leaves
    run.step(0); // a new section, after the snapshot
    expect(run.s.srcu.isReader(0)).toBe(true);
    expect(run.isEnabled(1)).toBe(true);
  });

  it('nested read sections end at the outermost unlock', () => {
    const nested = function* (s: { srcu: Srcu }) {
      yield* s.srcu.readLock();
      yield* s.srcu.readLock();
      yield* s.srcu.readUnlock();
      yield* s.srcu.readUnlock();
    };
    const run = start(tiny((w) => ({ srcu: w.srcu('srcu') }), [nested, sync]));
    run.step(0);
    run.step(0);
    run.step(1); // snapshot
    run.step(0); // inner unlock: still a reader
    expect(run.s.srcu.isReader(0)).toBe(true);
    expect(run.isEnabled(1)).toBe(false);
    run.step(0);
    expect(run.isEnabled(1)).toBe(true);
    expect(run.s.srcu.describe()).toBe('no readers');
  });

  it('synchronize inside one own read section deadlocks, naming the self-wait', () => {
    const self = function* (s: { srcu: Srcu }) {
      yield* s.srcu.readLock();
      yield* s.srcu.synchronize();
      yield* s.srcu.readUnlock();
    };
    const run = start(tiny((w) => ({ srcu: w.srcu('srcu') }), [self]));
    run.step(0);
    run.step(0);
    expect(enabled(run)).toEqual([]);
    run.declareDeadlock();
    expect(run.outcome).toMatchObject({ kind: 'deadlock', cycle: [0, 0] });
  });

  it('unlock outside a read section is misuse', () => {
    const ex = runSchedule(tiny((w) => ({ srcu: w.srcu('s') }), [function* (s: { srcu: Srcu }) { yield* s.srcu.readUnlock(); }]), [0]);
    expect(ex.outcome.kind).toBe('oops');
    expect(ex.outcome.message).toMatch(/srcu_read_unlock\(s\) by CPU0 outside a read section/);
  });
});

describe('mmu notifier', () => {
  const m = tiny(
    (w) => ({ mn: w.mmuNotifier(), verdicts: [] as boolean[] }),
    [
      function* (s) {
        const seq = yield* s.mn.readSeq();
        s.verdicts.push(yield* s.mn.retry(seq));
      },
      function* (s) {
        yield* s.mn.invalidateRangeStart();
        yield* s.mn.invalidateRangeEnd();
      },
    ],
  );

  it('start raises count, end bumps seq and lowers count', () => {
    const run = start(m);
    run.step(1);
    expect([run.s.mn.count.value, run.s.mn.seq.value]).toEqual([1, 0]);
    run.step(1);
    expect([run.s.mn.count.value, run.s.mn.seq.value]).toEqual([0, 1]);
    expect(run.trace?.map((e) => e.label)).toEqual(['mmu_notifier_count++', 'mmu_notifier_seq++; mmu_notifier_count--']);
  });

  it('retry: false with no invalidation, true during one, true after one', () => {
    const verdict = (schedule: number[]) => {
      const run = start(m);
      for (const t of schedule) run.step(t);
      return run.s.verdicts[0];
    };
    expect(verdict([0, 0, 1, 1])).toBe(false);
    expect(verdict([0, 1, 0, 1])).toBe(true); // invalidation in progress
    expect(verdict([0, 1, 1, 0])).toBe(true); // seq moved
    expect(verdict([1, 1, 0, 0])).toBe(false); // sampled after it ended
    expect(verdict([1, 0, 1, 0])).toBe(true); // sampled during it: count is still raised... then seq moved
  });

  it('takes the kernel names it is given', () => {
    const named = tiny((w) => ({ mn: w.mmuNotifier({ seq: 'mmu_invalidate_seq', count: 'mmu_invalidate_in_progress' }) }), [function* (s) { yield* s.mn.readSeq(); }]);
    expect(runSchedule(named, [0]).trace?.[0]?.label).toBe('mmu_seq = mmu_invalidate_seq');
  });
});

describe('interrupts and IPIs', () => {
  interface S {
    hits: number[];
  }
  const handler = (s: S) => (target: number) => {
    s.hits.push(target);
  };

  it('an IPI is taken at once by a CPU with interrupts on, and the sender does not wait', () => {
    const m = tiny(
      () => ({ hits: [] as number[] }),
      [
        function* (s: S, t) {
          yield* t.world.cpus.onEachCpu(handler(s));
        },
        function* (_s: S, t) {
          yield* t.step('idle', {});
          yield* t.step('idle', {});
        },
      ],
    );
    const run = start(m);
    run.step(0);
    expect(run.s.hits).toEqual([1]);
    expect(run.pendingStep(0)?.label).toBe('wait for IPI on CPU1');
    expect(run.isEnabled(0)).toBe(true);
  });

  it('with interrupts off the IPI waits, and the sender waits for delivery', () => {
    const m = tiny(
      () => ({ hits: [] as number[] }),
      [
        function* (s: S, t) {
          yield* t.world.cpus.onEachCpu(handler(s));
        },
        function* (_s: S, t) {
          yield* t.cpu.irqDisable();
          yield* t.step('critical', {});
          yield* t.cpu.irqEnable();
        },
      ],
    );
    const run = start(m);
    run.step(1); // irq off
    expect(run.s.hits).toEqual([]);
    run.step(0); // send
    expect(run.s.hits).toEqual([]);
    expect(run.pendingStep(0)?.label).toBe('wait for IPI on CPU1');
    expect(enabled(run)).toEqual([1]);
    run.step(1);
    expect(run.s.hits).toEqual([]);
    run.step(1); // irq on: takes it
    expect(run.s.hits).toEqual([1]);
    expect(enabled(run)).toEqual([0]);
  });

  it('a CPU in a guest is kicked out and takes the IPI when it enables interrupts', () => {
    const m = tiny(
      () => ({ hits: [] as number[] }),
      [
        function* (s: S, t) {
          yield* t.world.cpus.onEachCpu(handler(s));
        },
        function* (_s: S, t) {
          yield* t.cpu.irqDisable();
          yield* t.cpu.enterGuest();
          yield* t.cpu.exitGuest();
          yield* t.cpu.irqEnable();
        },
      ],
    );
    const run = start(m);
    run.step(1);
    run.step(1);
    expect(run.world.cpu(1).state).toBe('in-guest');
    expect(run.world.cpu(1).inGuest).toBe(true);
    run.step(0); // the kick
    expect(run.world.cpu(1).state).toBe('host-irq-off');
    expect(run.s.hits).toEqual([]);
    run.step(1); // exit guest (already out)
    run.step(1); // irq on
    expect(run.s.hits).toEqual([1]);
    expect(run.world.cpu(1).describe()).toBe('host-irq-on');
  });

  it('a pending IPI makes guest entry bounce straight back', () => {
    const m = tiny(
      () => ({ hits: [] as number[] }),
      [
        function* (s: S, t) {
          yield* t.world.cpus.sendIpi(handler(s));
        },
        function* (_s: S, t) {
          yield* t.cpu.irqDisable();
          yield* t.cpu.enterGuest();
          yield* t.step('after entry', {});
        },
      ],
    );
    const run = start(m);
    run.step(1);
    run.step(0);
    run.step(1);
    expect(run.world.cpu(1).state).toBe('host-irq-off'); // never got into the guest
    expect(run.s.hits).toEqual([]);
    run.step(1); // finished: an idle CPU takes it
    expect(run.s.hits).toEqual([1]);
  });

  it('a finished thread is an idle CPU that takes IPIs', () => {
    const m = tiny(
      () => ({ hits: [] as number[] }),
      [
        function* (s: S, t) {
          yield* t.step('something', {});
          yield* t.world.cpus.onEachCpu(handler(s));
        },
        function* (_s: S, t) {
          yield* t.cpu.irqDisable(); // and never enables them again
        },
      ],
    );
    const ex = runSchedule(m, [1, 0, 0, 0]);
    expect(ex.outcome.kind).toBe('ok');
  });

  it('the sender waits for every target and names them in a deadlock', () => {
    const m = tiny(
      (w) => ({ hits: [] as number[], l: w.spinlock('l') }),
      [
        function* (s, t) {
          yield* s.l.lock();
          yield* t.world.cpus.onEachCpu(handler(s));
          yield* s.l.unlock();
        },
        function* (s, t) {
          yield* t.cpu.irqDisable();
          yield* s.l.lock(); // spinning with interrupts off on a lock whose holder waits for our IPI
          yield* s.l.unlock();
          yield* t.cpu.irqEnable();
        },
      ],
    );
    const run = start(m);
    run.step(0);
    run.step(1);
    run.step(0);
    expect(enabled(run)).toEqual([]);
    run.declareDeadlock();
    expect(run.outcome?.cycle).toEqual([0, 1, 0]);
    expect(run.outcome?.message).toContain('CPU0 at wait for IPI on CPU1; CPU1 at spin_lock(l)');
  });

  it('irq steps belong to the CPU that runs them; misuse is an oops', () => {
    const inGuest = tiny(() => ({}), [function* (_s, t) { yield* t.cpu.irqDisable(); yield* t.cpu.enterGuest(); yield* t.cpu.irqEnable(); }]);
    expect(runSchedule(inGuest, [0, 0, 0]).outcome.message).toMatch(/CPU0: local_irq_enable while in a guest/);
    const entryOn = tiny(() => ({}), [function* (_s, t) { yield* t.cpu.enterGuest(); }]);
    expect(runSchedule(entryOn, [0]).outcome.message).toMatch(/guest entry needs interrupts off/);
    const other = tiny(() => ({}), [function* (_s, t) { yield* t.world.cpu(1).irqDisable(); }, function* () {}]);
    expect(runSchedule(other, [0]).outcome.message).toMatch(/local_irq_disable on CPU1 from CPU0/);
  });
});
