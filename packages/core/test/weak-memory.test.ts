import { describe, expect, it } from 'vitest';
import { boundedDfs, defineModel, exploreWeak, modelBarriers, renderSwimlaneSvg, verify, verifyUnderMemory, type Thread, type Var } from '../src/index.js';

// Two classic shapes as kvmrace models, explored under each memory model. The expected results are
// the LKMM's and x86-TSO's documented ones, not kvmrace's own output:
// - MP (message passing): tools/memory-model/litmus-tests/MP+pooncerelease+poacquireonce.litmus and
//   explanation.txt §13 ("MP+wmb+rmb": forbidden with both barriers; either one missing allows the
//   stale read under the LKMM); x86-TSO keeps stores in order and loads in order (Owens, Sarkar,
//   Sewell, "A better x86 memory model: x86-TSO", TPHOLs 2009), so MP is forbidden there without
//   any barrier.
// - SB (store buffering): litmus-tests/SB+fencembonceonces.litmus, Result: Never with smp_mb() on
//   both sides; explanation.txt §13: without them both reads may see 0, and x86-TSO allows it too
//   (its store buffers are the shape's name).

interface Mp {
  data: Var<number>;
  flag: Var<number>;
  seen: Array<[number, number]>;
}

const mp = defineModel({
  name: 'mp',
  title: 'message passing',
  summary: 'a writer sets data then flag; a reader that sees flag must see data',
  fixes: {},
  barriers: {
    'writer:smp_wmb': { summary: 'orders data before flag', pairsWith: ['reader:smp_rmb'] },
    'reader:smp_rmb': { summary: 'orders the flag read before the data read', pairsWith: ['writer:smp_wmb'] },
  },
  operations: {
    writer: {
      summary: 'data = 1; smp_wmb(); flag = 1',
      kernel: 'writer()',
      *run(s: Mp, t: Thread) {
        yield* s.data.write(1);
        t.smp_wmb('writer');
        yield* s.flag.write(1);
      },
    },
    reader: {
      summary: 'f = flag; smp_rmb(); d = data',
      kernel: 'reader()',
      *run(s: Mp, t: Thread) {
        const f = yield* s.flag.read();
        t.smp_rmb('reader');
        const d = yield* s.data.read();
        s.seen.push([f, d]);
      },
    },
  },
  setup: (w) => ({ data: w.var('data', 0), flag: w.var('flag', 0), seen: [] }),
  invariants: [{ name: 'flag-implies-data', description: 'a reader that saw flag saw data', check: (s) => s.seen.every(([f, d]) => f === 0 || d === 1) || 'flag=1 but data=0' }],
  scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'mp', threads: [['writer'], ['reader']] }] },
});

interface Sb {
  x: Var<number>;
  y: Var<number>;
  seen: number[];
}

const sbSide = (mine: 'x' | 'y', other: 'x' | 'y', place: string) =>
  function* (s: Sb, t: Thread) {
    yield* s[mine].write(1);
    t.smp_mb(place);
    s.seen.push(yield* s[other].read());
  };

const sb = defineModel({
  name: 'sb',
  title: 'store buffering',
  summary: 'each side writes its flag then reads the other: not both may read 0',
  fixes: {},
  barriers: { 'left:smp_mb': { summary: 'orders the store before the load' }, 'right:smp_mb': { summary: 'orders the store before the load' } },
  operations: {
    left: { summary: 'x = 1; smp_mb(); r = y', kernel: 'left()', run: sbSide('x', 'y', 'left') },
    right: { summary: 'y = 1; smp_mb(); r = x', kernel: 'right()', run: sbSide('y', 'x', 'right') },
  },
  setup: (w) => ({ x: w.var('x', 0), y: w.var('y', 0), seen: [] }),
  invariants: [{ name: 'one-sees-the-other', description: 'not both reads see 0', at: 'end', check: (s) => s.seen.some((v) => v === 1) || 'both read 0' }],
  scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'sb', threads: [['left'], ['right']] }] },
});

const none = new Set<string>();
const off = (...names: string[]) => new Set(names);

describe('MP under each memory model', () => {
  const scenario = [['writer'], ['reader']];
  it('sc: holds with or without barriers (barriers are no steps under sc)', () => {
    expect(boundedDfs(mp, none, scenario).failures).toBe(0);
  });
  it('lkmm: holds with smp_wmb and smp_rmb', () => {
    const r = exploreWeak(mp, none, scenario, { memory: 'lkmm' });
    expect(r.failures).toBe(0);
    expect(r.consistent).toBeGreaterThan(0);
  });
  for (const barrier of ['writer:smp_wmb', 'reader:smp_rmb']) {
    it(`lkmm: the stale read without ${barrier}, with one weak edge`, () => {
      const r = exploreWeak(mp, none, scenario, { memory: 'lkmm', withoutBarriers: off(barrier) });
      expect(r.failure?.outcome.message).toBe('flag=1 but data=0');
      expect(r.failure?.weakEdges).toBe(1);
    });
  }
  it('tso: holds without either barrier (x86 keeps stores, and loads, in order)', () => {
    expect(exploreWeak(mp, none, scenario, { memory: 'tso', withoutBarriers: off('writer:smp_wmb', 'reader:smp_rmb') }).failures).toBe(0);
  });
});

describe('SB under each memory model', () => {
  const scenario = [['left'], ['right']];
  it('sc: holds without barriers', () => {
    expect(boundedDfs(sb, none, scenario).failures).toBe(0);
  });
  for (const memory of ['tso', 'lkmm'] as const) {
    it(`${memory}: holds with smp_mb on both sides`, () => {
      expect(exploreWeak(sb, none, scenario, { memory }).failures).toBe(0);
    });
    it(`${memory}: both read 0 with one smp_mb removed`, () => {
      const r = exploreWeak(sb, none, scenario, { memory, withoutBarriers: off('left:smp_mb') });
      expect(r.failure?.outcome.message).toBe('both read 0');
    });
  }
});

describe('barrier toggles', () => {
  it('a model lists its own barriers and those of its primitives', () => {
    expect(modelBarriers(mp).map((b) => b.name)).toEqual(['writer:smp_wmb', 'reader:smp_rmb']);
    expect(modelBarriers(mp)[0]?.pairsWith).toEqual(['reader:smp_rmb']);
  });
  it('a barrier the model does not declare is a model error under weak memory', () => {
    const bad = defineModel({ ...mp, name: 'mp-undeclared', barriers: {} });
    expect(() => exploreWeak(bad, none, [['writer'], ['reader']], { memory: 'lkmm' })).toThrow(/barrier 'writer:smp_wmb' is not declared/);
  });
  it('a malformed barrier name is refused by defineModel', () => {
    expect(() => defineModel({ ...mp, name: 'mp-bad', barriers: { 'writer-wmb': { summary: 'x' } } })).toThrow(/must be <kernel function>:<barrier>/);
  });
});

describe('cmpxchg and xchg', () => {
  // tools/memory-model/Documentation/explanation.txt §14 and Documentation/atomic_t.txt: a
  // value-returning atomic (xchg, a successful cmpxchg) is fully ordered, as if smp_mb() came
  // before and after it, so SB with xchg as each side's store is forbidden; a failed cmpxchg
  // orders nothing.
  interface Cas {
    x: Var<number>;
    y: Var<number>;
    seen: number[];
    olds: number[];
  }
  const side = (mine: 'x' | 'y', other: 'x' | 'y', how: 'xchg' | 'cmpxchg-ok' | 'cmpxchg-fails') =>
    function* (s: Cas) {
      if (how === 'xchg') s.olds.push(yield* s[mine].xchg(1));
      else s.olds.push(yield* s[mine].cmpxchg(how === 'cmpxchg-ok' ? 0 : 5, 1));
      s.seen.push(yield* s[other].read());
    };
  const casModel = (how: 'xchg' | 'cmpxchg-ok' | 'cmpxchg-fails') =>
    defineModel({
      name: `sb-${how}`,
      title: 'SB with atomics',
      summary: 'each side swaps its flag then reads the other',
      fixes: {},
      operations: {
        left: { summary: 'x', kernel: 'left()', run: side('x', 'y', how) },
        right: { summary: 'y', kernel: 'right()', run: side('y', 'x', how) },
      },
      setup: (w) => ({ x: w.var('x', 0), y: w.var('y', 0), seen: [], olds: [] }),
      invariants: [{ name: 'one-sees-the-other', description: 'not both reads see 0', at: 'end', check: (s) => s.seen.some((v) => v === 1) || 'both read 0' }],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'sb', threads: [['left'], ['right']] }] },
    });
  const scenario = [['left'], ['right']];

  for (const memory of ['tso', 'lkmm'] as const) {
    it(`${memory}: xchg and a successful cmpxchg are full barriers`, () => {
      expect(exploreWeak(casModel('xchg'), none, scenario, { memory }).failures).toBe(0);
      expect(exploreWeak(casModel('cmpxchg-ok'), none, scenario, { memory }).failures).toBe(0);
    });
  }
  it('lkmm: a failed cmpxchg writes nothing, and then neither side sees the other', () => {
    const r = exploreWeak(casModel('cmpxchg-fails'), none, scenario, { memory: 'lkmm' });
    expect(r.failure?.outcome.message).toBe('both read 0');
  });
  it('sc: cmpxchg stores only when it finds the expected value and returns what it found; xchg returns the old value', () => {
    const olds: number[][] = [];
    boundedDfs(casModel('cmpxchg-ok'), none, scenario, { stopAtFirst: false, onExecution: (run) => olds.push([...(run.state as Cas).olds]) });
    expect(olds.length).toBeGreaterThan(0);
    for (const o of olds) expect(o).toEqual([0, 0]);
    const fails: number[][] = [];
    boundedDfs(casModel('cmpxchg-fails'), none, scenario, { stopAtFirst: false, onExecution: (run) => fails.push([...(run.state as Cas).olds, ...(run.state as Cas).seen]) });
    for (const o of fails) expect(o).toEqual([0, 0, 0, 0]);
  });
});

describe('data races on plain accesses (lkmm)', () => {
  // explanation.txt §24 (PLAIN ACCESSES AND DATA RACES): two accesses of one location on
  // different CPUs, at least one a write and at least one plain, race unless something orders
  // them in time (here: a lock held around both); marked accesses never race with each other.
  type Flavour = 'plain' | 'marked' | 'locked';
  interface Racy {
    x: Var<number>;
    lock: ReturnType<import('../src/index.js').World['spinlock']>;
  }
  const racy = (writer: Flavour, reader: Flavour) =>
    defineModel({
      name: `race-${writer}-${reader}`,
      title: 'a write and a read of x',
      summary: 'CPU0 writes x, CPU1 reads it',
      fixes: {},
      operations: {
        writer: {
          summary: 'x = 1',
          kernel: 'writer()',
          *run(s: Racy) {
            if (writer === 'locked') yield* s.lock.lock();
            yield* writer === 'marked' ? s.x.write(1) : s.x.plainWrite(1);
            if (writer === 'locked') yield* s.lock.unlock();
          },
        },
        reader: {
          summary: 'r = x',
          kernel: 'reader()',
          *run(s: Racy) {
            if (reader === 'locked') yield* s.lock.lock();
            yield* reader === 'marked' ? s.x.read() : s.x.plainRead();
            if (reader === 'locked') yield* s.lock.unlock();
          },
        },
      },
      setup: (w) => ({ x: w.var('x', 0), lock: w.spinlock('lock') }),
      invariants: [],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'wr', threads: [['writer'], ['reader']] }] },
    });
  const scenario = [['writer'], ['reader']];
  const raceOf = (w: Flavour, r: Flavour, memory: 'lkmm' | 'tso' = 'lkmm') => exploreWeak(racy(w, r), none, scenario, { memory }).failure?.outcome;

  it('a plain write and a marked read on two CPUs race, and the outcome names both accesses', () => {
    const o = raceOf('plain', 'marked');
    expect(o?.kind).toBe('data-race');
    expect(o?.message).toMatch(/CPU0's plain write of x at step \d+ and CPU1's marked read of x at step \d+|CPU1's marked read of x at step \d+ and CPU0's plain write of x/);
  });
  it('a marked write and a plain read race too', () => {
    expect(raceOf('marked', 'plain')?.kind).toBe('data-race');
  });
  it('two marked accesses do not race', () => {
    expect(raceOf('marked', 'marked')).toBeUndefined();
  });
  it('plain accesses both under the same spinlock do not race', () => {
    expect(raceOf('locked', 'locked')).toBeUndefined();
  });
  it('tso has no notion of a data race', () => {
    expect(raceOf('plain', 'plain', 'tso')).toBeUndefined();
  });
});

describe('a weak counterexample in its trace and swimlane', () => {
  const cx = verifyUnderMemory(mp, { fixes: [], memory: 'lkmm', withoutBarriers: ['reader:smp_rmb'] }).counterexample;
  it('the stale read is in the trace: the value read, where from, what it did not see', () => {
    const stale = cx?.trace.flatMap((e) => (e.staleReads ?? []).map((r) => ({ step: e.index, ...r })));
    expect(stale).toHaveLength(1);
    const r = stale?.[0];
    expect(r?.object).toBe('data');
    expect(r?.value).toBe('0');
    expect(r?.fromStep).toBe(-1);
    expect(r?.unseen).toHaveLength(1);
    expect(cx?.trace.find((e) => e.index === r?.step)?.accesses.find((a) => a.name === 'data')?.value).toBe('0');
  });
  it('the swimlane draws it as an arrow with its words, and an sc race has none', () => {
    const svg = renderSwimlaneSvg('mp', 'none', cx!);
    expect(svg.match(/class="stale-read"/g)).toHaveLength(1);
    expect(svg).toMatch(/marker id="kvmrace-arrow"/);
    expect(svg).toMatch(/reads data = 0 from the initial value, not yet seeing step \d+/);
    const sc = verify(sb, { fixes: [], scenarios: [[['left'], ['right']]] });
    expect(sc.verdict).toBe('holds');
    const lost = verify(defineModel({ ...mp, name: 'mp-sc', invariants: [{ name: 'never', description: 'fails at once', check: () => 'always fails' }] }), { fixes: [], scenarios: [[['writer'], ['reader']]] });
    expect(renderSwimlaneSvg('mp-sc', 'none', lost.counterexample!)).not.toMatch(/stale-read|kvmrace-arrow/);
  });
});

describe('RCU and the atomic_t orderings', () => {
  // explanation.txt §22 (RCU): if a read-side critical section starts before a grace period ends,
  // ... the RCU guarantee; the kernel's litmus test RCU+sync+read (Result: Never) is this shape:
  // the updater writes x, synchronize_rcu(), writes y; a reader inside rcu_read_lock() that sees y
  // must see x. Documentation/atomic_t.txt: atomic_inc() (no return) orders nothing; the _acquire
  // form orders later accesses after it.
  interface R {
    x: Var<number>;
    y: Var<number>;
    rcu: ReturnType<import('../src/index.js').World['rcu']>;
    seen: Array<[number, number]>;
  }
  const rcuModel = (reader: 'rcu' | 'bare') =>
    defineModel({
      name: `rcu-${reader}`,
      title: 'RCU grace period',
      summary: 'updater: x=1; synchronize_rcu(); y=1. reader: r1=y; r2=x inside rcu_read_lock()',
      fixes: {},
      operations: {
        updater: {
          summary: 'x = 1; synchronize_rcu(); y = 1',
          kernel: 'updater()',
          *run(s: R) {
            yield* s.x.write(1);
            yield* s.rcu.synchronize();
            yield* s.y.write(1);
          },
        },
        reader: {
          summary: 'rcu_read_lock(); r1 = y; r2 = x; rcu_read_unlock()',
          kernel: 'reader()',
          *run(s: R) {
            if (reader === 'rcu') yield* s.rcu.readLock();
            const y = yield* s.y.read();
            const x = yield* s.x.read();
            if (reader === 'rcu') yield* s.rcu.readUnlock();
            s.seen.push([y, x]);
          },
        },
      },
      setup: (w) => ({ x: w.var('x', 0), y: w.var('y', 0), rcu: w.rcu(), seen: [] }),
      invariants: [{ name: 'y-implies-x', description: 'a reader that sees y sees x', check: (s) => s.seen.every(([y, x]) => y === 0 || x === 1) || 'saw y=1 but x=0' }],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'u-r', threads: [['updater'], ['reader']] }] },
    });
  const scenario = [['updater'], ['reader']];

  it('lkmm: a reader inside rcu_read_lock() that sees y sees x', () => {
    expect(exploreWeak(rcuModel('rcu'), none, scenario, { memory: 'lkmm' }).failures).toBe(0);
  });
  it('lkmm: outside a read-side critical section it may not', () => {
    expect(exploreWeak(rcuModel('bare'), none, scenario, { memory: 'lkmm' }).failure?.outcome.message).toBe('saw y=1 but x=0');
  });
  it('the trace names rcu_read_lock() and synchronize_rcu()', () => {
    const cx = verifyUnderMemory(rcuModel('rcu'), { fixes: [], memory: 'lkmm', scenarios: [scenario] });
    expect(cx.verdict).toBe('holds');
    const r = verify(rcuModel('bare'), { fixes: [], scenarios: [scenario] });
    expect(r.verdict).toBe('holds');
  });

  const atomicMp = (ordering: 'noreturn' | 'acquire') =>
    defineModel({
      name: `atomic-${ordering}`,
      title: 'MP with an atomic on the reader side',
      summary: 'writer: data=1; smp_store_release(flag, 1). reader: atomic op on flag, then data',
      fixes: {},
      operations: {
        writer: {
          summary: 'data = 1; smp_store_release(&flag, 1)',
          kernel: 'writer()',
          *run(s: Mp) {
            yield* s.data.write(1);
            yield* s.flag.storeRelease(1);
          },
        },
        reader: {
          summary: 'f = atomic_fetch_add_acquire(0, &flag) or atomic_add(0, &flag) then a read; d = data',
          kernel: 'reader()',
          *run(s: Mp) {
            const f = yield* s.flag.atomic((v) => v, ordering);
            const d = yield* s.data.read();
            s.seen.push([f, d]);
          },
        },
      },
      setup: (w) => ({ data: w.var('data', 0), flag: w.var('flag', 0), seen: [] }),
      invariants: [{ name: 'flag-implies-data', description: 'a reader that saw flag saw data', check: (s) => s.seen.every(([f, d]) => f === 0 || d === 1) || 'flag=1 but data=0' }],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'mp', threads: [['writer'], ['reader']] }] },
    });
  it('lkmm: an _acquire atomic orders the later read, a no-return one does not', () => {
    expect(exploreWeak(atomicMp('acquire'), none, [['writer'], ['reader']], { memory: 'lkmm' }).failures).toBe(0);
    expect(exploreWeak(atomicMp('noreturn'), none, [['writer'], ['reader']], { memory: 'lkmm' }).failure?.outcome.message).toBe('flag=1 but data=0');
  });
});

describe('IPIs order memory under weak memory', () => {
  // kernel/smp.c: smp_call_function_many() queues the call with a fully ordered llist_add(), the
  // target runs the handler after reading it and releases the csd lock when done, and a waiting
  // sender spins on that lock with an acquire (csd_lock_wait()). So what the sender wrote before
  // the IPI is seen by the target once it has taken it, and what the target wrote before taking
  // it is seen by a sender that waited.
  interface Ipi {
    data: Var<number>;
    ack: Var<number>;
    /** Ghost: the handler has run; the target had written ack when it did. */
    taken: boolean;
    ackWritten: boolean;
    takenAfterAck: boolean;
    seen: number[];
  }
  const ipiModel = defineModel({
    name: 'ipi-order',
    title: 'IPI ordering',
    summary: 'CPU0 writes data and sends CPU1 an IPI; CPU1 writes ack, takes it, then reads data',
    fixes: {},
    operations: {
      sender: {
        summary: 'data = 1; on_each_cpu(handler, 1); r = ack',
        kernel: 'sender()',
        *run(s: Ipi, t: Thread) {
          yield* s.data.write(1);
          yield* t.world.cpus.onEachCpu(() => {
            s.taken = true;
            s.takenAfterAck = s.ackWritten;
          });
          const a = yield* s.ack.read();
          if (s.takenAfterAck) s.seen.push(a);
        },
      },
      target: {
        summary: 'local_irq_disable(); ack = 1; local_irq_enable() (takes the IPI); r = data',
        kernel: 'target()',
        *run(s: Ipi, t: Thread) {
          yield* t.cpu.irqDisable();
          yield* s.ack.write(1);
          s.ackWritten = true;
          yield* t.cpu.irqEnable();
          const d = yield* s.data.read();
          if (s.taken) s.seen.push(d);
        },
      },
    },
    setup: (w) => ({ data: w.var('data', 0), ack: w.var('ack', 0), taken: false, ackWritten: false, takenAfterAck: false, seen: [] }),
    invariants: [{ name: 'ipi-orders', description: 'after the IPI each side sees what the other wrote before it', at: 'end', check: (s) => s.seen.every((v) => v === 1) || `read ${s.seen.join(',')}` }],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'ipi', threads: [['sender'], ['target']] }] },
  });
  for (const memory of ['lkmm', 'tso'] as const) {
    it(`${memory}: the target sees the sender's write after taking the IPI, and the waiter the target's`, () => {
      const r = exploreWeak(ipiModel, none, [['sender'], ['target']], { memory });
      expect(r.consistent).toBeGreaterThan(0);
      expect(r.failures).toBe(0);
    });
  }
});
