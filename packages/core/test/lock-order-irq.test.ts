import { describe, expect, it } from 'vitest';
import { defineModel, hunt, verify, type Lock, type RwLock, type Steps, type Thread } from '../src/index.js';

// Issue 22 item 3, lockdep's irq-safe/irq-unsafe rule: a lock taken in an interrupt handler and,
// elsewhere, with interrupts enabled is a possible deadlock (an interrupt on the CPU holding it
// spins for ever), reported with both acquisitions although no execution deadlocks: the handler
// and the process-context code run on different CPUs here.

interface S {
  lock: Lock;
  outer: Lock;
  rw: RwLock;
}

type Side = 'lock' | 'read' | 'write';
const take = (s: S, side: Side): Steps => (side === 'lock' ? s.lock.lock() : side === 'read' ? s.rw.readLock() : s.rw.writeLock());
const drop = (s: S, side: Side): Steps => (side === 'lock' ? s.lock.unlock() : side === 'read' ? s.rw.readUnlock() : s.rw.writeUnlock());

/**
 * `update` takes the lock (under `outer`) in process context: with interrupts on, unless the fix
 * `irqsave` makes it spin_lock_irqsave(). `timer` is the interrupt handler that takes it too.
 */
function irqModel(processSide: Side, irqSide: Side) {
  function* update(s: S, t: Thread<'irqsave'>): Steps {
    yield* t.within('kvm_update', (function* () {
      yield* s.outer.lock();
      if (t.fixed('irqsave')) yield* t.cpu.irqDisable();
      yield* t.within('kvm_update_locked', take(s, processSide));
      yield* drop(s, processSide);
      if (t.fixed('irqsave')) yield* t.cpu.irqEnable();
      yield* s.outer.unlock();
    })());
  }
  function* timer(s: S, t: Thread<'irqsave'>): Steps {
    yield* t.cpu.irqEnter();
    yield* t.within('kvm_timer_fn', take(s, irqSide));
    yield* drop(s, irqSide);
    yield* t.cpu.irqExit();
  }
  return defineModel({
    name: 'lock-order-irq-test',
    title: 'a lock taken in process context and in an interrupt handler',
    summary: 'test model',
    fixes: { irqsave: { commit: '000000000000', summary: 'spin_lock_irqsave() in process context' } },
    operations: {
      update: { summary: 'take the lock in process context', kernel: 'kvm_update()', run: update },
      timer: { summary: 'the interrupt handler takes the lock', kernel: 'kvm_timer_fn()', run: timer },
    },
    setup: (w) => ({ lock: w.spinlock('kvm->irq_lock'), outer: w.mutex('kvm->lock'), rw: w.rwlock('gpc->lock') }),
    invariants: [{ name: 'fine', description: 'always', at: 'end', check: () => true }],
    scenarios: { minThreads: 1, maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'update-vs-timer', threads: [['update'], ['timer']] }] },
  });
}

describe("lockdep's irq-safe/irq-unsafe rule", () => {
  it('reports a spinlock taken with interrupts on and in an interrupt handler, though no run deadlocks', () => {
    const r = verify(irqModel('lock', 'lock'), { fixes: [], lockOrder: true });
    expect(r.verdict).toBe('holds');
    expect(r.executions).toBeGreaterThan(1);
    expect(r.lockOrder?.possibleDeadlocks).toEqual([]); // no cycle: only the irq rule sees it
    expect(r.lockOrder?.irqDeadlocks).toHaveLength(1);
    const d = r.lockOrder!.irqDeadlocks[0]!;
    expect(d.lock).toBe('kvm->irq_lock');
    expect([d.irqsOn.context, d.irqsOn.takenIn, d.irqsOn.cpu, d.irqsOn.operation, d.irqsOn.held]).toEqual(['irqs-on', 'kvm_update_locked', 0, 'update', ['kvm->lock']]);
    expect([d.inIrq.context, d.inIrq.takenIn, d.inIrq.cpu, d.inIrq.operation, d.inIrq.held]).toEqual(['in-irq', 'kvm_timer_fn', 1, 'timer', []]);
    expect(d.message).toBe(
      'possible deadlock: kvm->irq_lock in kvm_update_locked() on CPU0 (update), holding kvm->lock with interrupts enabled ... kvm->irq_lock in kvm_timer_fn() on CPU1 (timer) in interrupt context: an interrupt on CPU0 while it holds kvm->irq_lock would spin on it for ever',
    );
  });

  it('reports nothing when process context takes it with interrupts off (spin_lock_irqsave)', () => {
    const r = verify(irqModel('lock', 'lock'), { fixes: ['irqsave'], lockOrder: true });
    expect(r.verdict).toBe('holds');
    expect(r.lockOrder?.irqDeadlocks).toEqual([]);
    // It still saw the in-interrupt usage, and kvm->lock taken with interrupts on.
    expect(r.lockOrder?.irqUsages.map((u) => `${u.lock} ${u.context}`).sort()).toEqual(['kvm->irq_lock in-irq', 'kvm->lock irqs-on']);
  });

  it('rwlock: two read sides do not conflict; a write side against a reader in an interrupt does', () => {
    const readers = verify(irqModel('read', 'read'), { fixes: [], lockOrder: true });
    expect(readers.lockOrder?.irqDeadlocks).toEqual([]);
    const writer = verify(irqModel('write', 'read'), { fixes: [], lockOrder: true });
    expect(writer.lockOrder?.irqDeadlocks.map((d) => [d.lock, d.irqsOn.side, d.inIrq.side])).toEqual([['gpc->lock', 'write', 'read']]);
    expect(writer.lockOrder?.irqDeadlocks[0]?.message).toMatch(/^possible deadlock: gpc->lock \(write\) in kvm_update_locked\(\).* gpc->lock \(read\) in kvm_timer_fn\(\)/);
    const irqWriter = verify(irqModel('read', 'write'), { fixes: [], lockOrder: true });
    expect(irqWriter.lockOrder?.irqDeadlocks).toHaveLength(1);
  });

  it('hunt records it too; the two usages split over two scenarios are merged', () => {
    const model = irqModel('lock', 'lock');
    expect(hunt(model, { fixes: [], seed: 1, runs: 10, strategy: 'random', lockOrder: true }).lockOrder?.irqDeadlocks).toHaveLength(1);
    const r = verify(model, { fixes: [], scenarios: [[['update']], [['timer']]], lockOrder: true });
    expect(r.lockOrder?.irqDeadlocks.map((d) => [d.irqsOn.operation, d.inIrq.operation])).toEqual([['update', 'timer']]);
  });

  it('irq_enter needs interrupts on', () => {
    const model = defineModel({
      name: 'irq-enter-misuse',
      title: 't',
      summary: 's',
      fixes: {},
      operations: { bad: { summary: 'irq_enter with interrupts off', kernel: 'bad()', run: function* (_s: object, t: Thread<never>) { yield* t.cpu.irqDisable(); yield* t.cpu.irqEnter(); } } },
      setup: () => ({}),
      invariants: [],
      scenarios: { maxThreads: 1, maxOpsPerThread: 1, maxOps: 1, catalogue: [{ name: 'bad', threads: [['bad']] }] },
    });
    const r = verify(model, { fixes: [] });
    expect(r.counterexample?.outcome.kind).toBe('oops');
    expect(r.counterexample?.outcome.message).toMatch(/^model misuse: CPU0: irq_enter with the CPU host-irq-off/);
  });

  it('second rule: an irq-safe lock held while taking an irq-unsafe one, all three acquisitions named', () => {
    interface T {
      safe: Lock;
      unsafe: Lock;
    }
    const model = defineModel({
      name: 'irq-safe-to-unsafe',
      title: 't',
      summary: 's',
      fixes: { irqsave: { commit: '000000000000', summary: 'take the inner lock with spin_lock_irqsave() everywhere' } },
      operations: {
        nest: {
          summary: 'irqs off: safe, then unsafe',
          kernel: 'kvm_nest()',
          run: function* (s: T, t: Thread<'irqsave'>) {
            yield* t.cpu.irqDisable();
            yield* t.within('kvm_nest', s.safe.lock());
            yield* t.within('kvm_nest_inner', s.unsafe.lock());
            yield* s.unsafe.unlock();
            yield* s.safe.unlock();
            yield* t.cpu.irqEnable();
          },
        },
        plain: {
          summary: 'the inner lock alone, interrupts on unless fixed',
          kernel: 'kvm_plain()',
          run: function* (s: T, t: Thread<'irqsave'>) {
            if (t.fixed('irqsave')) yield* t.cpu.irqDisable();
            yield* t.within('kvm_plain', s.unsafe.lock());
            yield* s.unsafe.unlock();
            if (t.fixed('irqsave')) yield* t.cpu.irqEnable();
          },
        },
        timer: {
          summary: 'the handler takes the outer lock',
          kernel: 'kvm_timer_fn()',
          run: function* (s: T, t: Thread<'irqsave'>) {
            yield* t.cpu.irqEnter();
            yield* t.within('kvm_timer_fn', s.safe.lock());
            yield* s.safe.unlock();
            yield* t.cpu.irqExit();
          },
        },
      },
      setup: (w) => ({ safe: w.spinlock('A'), unsafe: w.spinlock('B') }),
      invariants: [],
      scenarios: { maxThreads: 2, maxOpsPerThread: 2, maxOps: 3, catalogue: [{ name: 'all', threads: [['nest', 'plain'], ['timer']] }] },
    });
    const r = verify(model, { fixes: [], lockOrder: true });
    expect(r.verdict).toBe('holds');
    expect(r.lockOrder?.possibleDeadlocks).toEqual([]);
    expect(r.lockOrder?.irqDeadlocks.map((d) => [d.rule, d.lock, d.inIrq.takenIn, d.order?.takenIn, d.irqsOn.lock, d.irqsOn.takenIn])).toEqual([['safe-to-unsafe', 'A', 'kvm_timer_fn', 'kvm_nest_inner', 'B', 'kvm_plain']]);
    expect(r.lockOrder?.irqDeadlocks[0]?.message).toBe(
      'possible deadlock: A in kvm_timer_fn() on CPU1 (timer) in interrupt context ... A then B in kvm_nest() then kvm_nest_inner() on CPU0 (nest) ... B in kvm_plain() on CPU0 (plain) with interrupts enabled: an interrupt on CPU0 while it holds B would wait for A, whose holder waits for B',
    );
    expect(verify(model, { fixes: ['irqsave'], lockOrder: true }).lockOrder?.irqDeadlocks).toEqual([]);
  });
});
