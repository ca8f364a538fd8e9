import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import {
  defineModel,
  execute,
  Lock,
  Pct,
  Prng,
  RandomWalk,
  Replay,
  ReplayMismatchError,
  Run,
  ThreadContext,
  Var,
  World,
  type AnyModel,
  type Counter,
  type Execution,
  type MmuNotifier,
  type Model,
  type Outcome,
  type RwLock,
  type Scenario,
  type SeqCount,
  type SimObject,
  type Srcu,
  type Step,
  type Steps,
  type Strategy,
  type Thread,
  type TraceEntry,
} from '../src/index.js';
import { kitchenSink } from './fixtures/kitchen-sink.js';
import { lostUpdate } from './fixtures/lost-update.js';

// Tests of today's engine changes (issue #8): world recycling in `execute` (A), the fast path of
// `Run.drive` for strategies with `keepsCurrentUntil` (B), one-step calls that are their own final
// iterator result (C) and `t.within` without its wrapper in untraced runs (D). Every expected
// result is computed independently: by a fresh `Run` (its own new World, never recycled) driven by
// a plain loop of `enabledThreads` / `pick` / `step` written here, never by `execute`/`drive`.

// ---------------------------------------------------------------------------------------------
// Models

/**
 * packages/examples/src/seqcount-reader.ts, copied (core's tests cannot import @kvmrace/examples,
 * which depends on core; test/fixtures/lost-update.ts is the same kind of copy).
 */
interface SeqcountReaderState {
  readonly seq: SeqCount;
  readonly lo: Var<number>;
  readonly hi: Var<number>;
  readonly seen: Array<readonly [number, number]>;
}
const seqcountReader = defineModel({
  name: 'seqcount-reader',
  title: 'A seqcount reader that forgets to retry',
  summary: 'copy of the example',
  fixes: { 'reader-retries': { commit: '000000000000', summary: 'read_pair() loops while read_seqcount_retry() says the pair changed' } },
  operations: {
    update_pair: {
      summary: 'lo++ and hi++ inside a seqcount write section',
      kernel: 'update_pair()',
      *run(s: SeqcountReaderState) {
        yield* s.seq.writeBegin();
        yield* s.lo.update((v) => v + 1, 'pair->lo++');
        yield* s.hi.update((v) => v + 1, 'pair->hi++');
        yield* s.seq.writeEnd();
      },
    },
    read_pair: {
      summary: 'read lo and hi under read_seqcount_begin',
      kernel: 'read_pair()',
      *run(s: SeqcountReaderState, t: Thread<'reader-retries'>) {
        for (let attempt = 0; ; attempt++) {
          const start = yield* s.seq.readBegin();
          const lo = yield* s.lo.read('lo = pair->lo');
          const hi = yield* s.hi.read('hi = pair->hi');
          if (!t.fixed('reader-retries')) {
            s.seen.push([lo, hi]);
            return;
          }
          if (!(yield* s.seq.readRetry(start))) {
            s.seen.push([lo, hi]);
            return;
          }
          if (attempt === 2) t.gaveUp('read_pair retried 3 times');
        }
      },
    },
  },
  setup: (w) => ({ seq: w.seqcount('pair->seq'), lo: w.var('pair->lo', 0), hi: w.var('pair->hi', 0), seen: [] as Array<readonly [number, number]> }),
  invariants: [
    {
      name: 'no-torn-read',
      description: 'every pair a reader returns has equal halves',
      check: (s: SeqcountReaderState) => {
        const torn = s.seen.find(([lo, hi]) => lo !== hi);
        return torn === undefined || `a reader returned lo=${torn[0]}, hi=${torn[1]}`;
      },
    },
  ],
  scenarios: { maxThreads: 2, maxOpsPerThread: 2, maxOps: 3, catalogue: [{ name: 'reader-vs-writer', threads: [['read_pair'], ['update_pair']] }] },
  describeState: (s) => `lo=${s.lo.value}, hi=${s.hi.value}, seq=${s.seq.sequence}`,
});

/** The state of `mixer`, a model of this file that uses every primitive kind. */
interface MixState {
  mu: Lock;
  sl: Lock;
  rw: RwLock;
  sc: SeqCount;
  srcu: Srcu;
  mn: MmuNotifier;
  /** Made with `new Var(world, ...)`: never recycled, but it keeps its index. */
  direct: Var<number>;
  a: Var<number>;
  b: Var<number>;
  c: Counter;
  flag: Var<boolean>;
  /** A var whose value is an object (a fresh one from every setup). */
  box: Var<{ n: number }>;
}
type MixFix = 'retry' | 'guard';

/**
 * Every primitive kind (mutex, spinlock, rwlock, seqcount, srcu, counter, mmu notifier, vars, a
 * directly made var, CPUs with interrupts, guest entry and IPIs, declared steps, awaitChange), a
 * setup that changes objects beyond their factory defaults (as pfncache's setupPfncache sets
 * mn.seq), and a `stop` operation that ends runs at any point with locks held, a seqcount odd,
 * SRCU readers inside and IPIs queued: the state a recycled world must not carry over.
 */
const mixer = defineModel<MixState, string, MixFix>({
  name: 'mixer',
  title: 'every primitive, runs that stop anywhere',
  summary: 'a test model',
  fixes: {
    retry: { commit: '000000000000', summary: 'readers retry' },
    guard: { commit: '000000000000', summary: 'irq holds mu' },
  },
  operations: {
    writer: {
      summary: 'a seqcount write section under mu',
      kernel: 'writer',
      *run(s) {
        yield* s.mu.lock();
        yield* s.sc.writeBegin();
        yield* s.a.update((v) => v + 1, 'a++');
        yield* s.b.update((v) => v + 1);
        yield* s.sc.writeEnd();
        yield* s.mu.unlock();
        yield* s.c.increment();
      },
    },
    reader: {
      summary: 'a seqcount reader inside an SRCU read section',
      kernel: 'reader',
      *run(s, t: Thread<MixFix>) {
        yield* s.srcu.readLock();
        let x = 0;
        let y = 0;
        for (let attempt = 0; attempt < 2; attempt++) {
          const start = yield* s.sc.readBegin();
          x = yield* s.a.read();
          y = yield* s.b.read('y = b');
          if (!t.fixed('retry')) break;
          if (!(yield* s.sc.readRetry(start))) break;
        }
        yield* s.srcu.readUnlock();
        t.assert(x === y || !t.fixed('retry'), 'consistent-read', `x=${x} y=${y}`);
      },
    },
    sync: {
      summary: 'synchronize_srcu, then a flag',
      kernel: 'sync',
      *run(s, t) {
        yield* t.within('synchronize_srcu', s.srcu.synchronize());
        yield* s.flag.write(true, 'flag = true');
      },
    },
    inval: {
      summary: 'an invalidation',
      kernel: 'inval',
      *run(s) {
        yield* s.sl.lock();
        yield* s.mn.invalidateRangeStart();
        yield* s.sl.unlock();
        yield* s.rw.writeLock();
        yield* s.direct.update((d) => d + 1);
        yield* s.box.write({ n: s.box.value.n + 1 }, 'box = new');
        yield* s.rw.writeUnlock();
        yield* s.sl.lock();
        yield* s.mn.invalidateRangeEnd();
        yield* s.sl.unlock();
      },
    },
    fault: {
      summary: 'a fault that samples mn seq',
      kernel: 'fault',
      *run(s, t) {
        const seq = yield* s.mn.readSeq();
        t.warnOn(seq < 10, `mn seq ${seq} below its setup value`);
        yield* s.rw.readLock();
        const d = yield* s.direct.read('d = direct');
        yield* s.rw.readUnlock();
        yield* s.sl.lock();
        const retry = yield* s.mn.retry(seq);
        yield* s.sl.unlock();
        if (!retry) yield* s.a.write(d);
      },
    },
    irq: {
      summary: 'an irq-off region with a declared step',
      kernel: 'irq',
      *run(s, t) {
        if (t.fixed('guard')) yield* s.mu.lock();
        yield* t.cpu.irqDisable();
        yield* s.a.read();
        yield* t.step('b = a', { reads: [s.a], writes: [s.b] });
        s.b.value = s.a.value;
        yield* t.cpu.irqEnable();
        if (t.fixed('guard')) yield* s.mu.unlock();
      },
    },
    guest: {
      summary: 'enter and leave a guest',
      kernel: 'vcpu_run',
      *run(_s, t) {
        yield* t.cpu.irqDisable();
        yield* t.cpu.enterGuest();
        yield* t.cpu.exitGuest();
        yield* t.cpu.irqEnable();
      },
    },
    ipi: {
      summary: 'on_each_cpu bumping c',
      kernel: 'ipi',
      *run(s, t) {
        yield* t.world.cpus.onEachCpu(() => {
          s.c.value = s.c.value + 100;
        });
      },
    },
    waiter: {
      summary: 'wait for flag',
      kernel: 'waiter',
      *run(s, t) {
        if (!s.flag.value) yield* t.awaitChange('while (!flag)', [s.flag]);
      },
    },
    stop: {
      summary: 'end the run here',
      kernel: 'stop',
      *run(s, t) {
        yield* s.a.read('a?');
        t.warnOn(true, 'stop');
      },
    },
  },
  setup: (w) => {
    const s: MixState = {
      mu: w.mutex('mu'),
      sl: w.spinlock('sl'),
      rw: w.rwlock('rw'),
      sc: w.seqcount('sc'),
      srcu: w.srcu('srcu'),
      mn: w.mmuNotifier({ seq: 'mn_seq', count: 'mn_count' }),
      direct: new Var(w, 'direct', 7),
      a: w.var('a', 0),
      b: w.var('b', 0),
      c: w.counter('c', 3),
      flag: w.var('flag', false),
      box: w.var('box', { n: 0 }),
    };
    // Beyond the factory defaults, as pfncache's setupPfncache sets mn.seq.
    s.mn.seq.value = 10;
    s.c.value = 5;
    return s;
  },
  invariants: [
    { name: 'mn-count', description: 'count is 0 or 1', check: (s) => s.mn.count.value === 0 || s.mn.count.value === 1 || `count=${s.mn.count.value}` },
    { name: 'c-small', description: 'c stays small', check: (s) => s.c.value < 1000 || `c=${s.c.value}` },
    { name: 'a-b', description: 'a equals b at the end', at: 'end', check: (s) => s.a.value === s.b.value || `a=${s.a.value} b=${s.b.value}` },
  ],
  scenarios: {
    maxThreads: 4,
    maxOpsPerThread: 3,
    maxOps: 10,
    catalogue: [],
  },
  describeState: (s) =>
    `a=${s.a.value} b=${s.b.value} c=${s.c.value} direct=${s.direct.value} box=${s.box.value.n} seq=${s.mn.seq.value} flag=${s.flag.value} mu=${s.mu.describe()} sl=${s.sl.describe()} rw=${s.rw.describe()} sc=${s.sc.describe()} srcu=${s.srcu.describe()}`,
  maxSteps: 300,
});

const mixerScenarios: Scenario[] = [
  [['writer', 'stop'], ['reader'], ['inval', 'fault']],
  [['irq', 'writer'], ['ipi'], ['stop']],
  [['guest', 'irq'], ['ipi', 'writer'], ['waiter'], ['sync', 'stop']],
  [['reader', 'reader'], ['sync'], ['writer', 'stop']],
  [['fault'], ['inval', 'stop'], ['writer', 'reader']],
  [['irq'], ['irq', 'stop'], ['ipi']],
  [['stop'], ['writer', 'inval'], ['reader', 'fault'], ['irq', 'ipi']],
  [['waiter'], ['irq']],
  [['writer', 'writer'], ['inval', 'inval']],
  [['guest', 'writer'], ['ipi'], ['stop']],
  [['irq', 'reader'], ['ipi', 'stop']],
];
const mixerFixSets: Array<readonly MixFix[]> = [[], ['retry'], ['guard'], ['retry', 'guard']];

const ks = kitchenSink(core);
const ksScenarios: Scenario[] = ks.scenarios.catalogue.map((s) => s.threads);

// ---------------------------------------------------------------------------------------------
// Reference: fresh runs driven by a plain loop

interface Summary {
  outcome: Outcome | null;
  schedule: number[];
  preemptions: number;
  gaveUp: number[];
  trace?: TraceEntry[] | undefined;
  finalState?: string | undefined;
}

function summarise(e: Execution): Summary {
  const out: Summary = { outcome: e.outcome, schedule: [...e.schedule], preemptions: e.preemptions, gaveUp: [...e.gaveUp] };
  if (e.trace !== undefined) out.trace = [...e.trace];
  if (e.finalState !== undefined) out.finalState = e.finalState;
  return out;
}

/** A fresh run (its own new World) under `strategy`, by the plain loop: list, pick, step. */
function fresh(model: AnyModel, fixes: Iterable<string>, scenario: Scenario, strategy: Strategy, trace = false): Summary {
  const run = new Run(model, new Set(fixes), scenario, { trace });
  strategy.beginExecution(scenario.length);
  const en: number[] = [];
  while (run.outcome === null) {
    const n = run.enabledThreads(en);
    if (n === 0) {
      run.declareDeadlock();
      break;
    }
    run.step(strategy.pick(en, n, run.lastThread, run.steps));
  }
  strategy.endExecution?.(run.steps);
  const out: Summary = { outcome: run.outcome, schedule: [...run.schedule], preemptions: run.preemptions, gaveUp: [...run.gaveUp] };
  if (trace) {
    out.trace = [...(run.trace ?? [])];
    const fs = run.describeState();
    if (fs !== undefined) out.finalState = fs;
  }
  return out;
}

/** A fresh traced run that replays `schedule` with `replayStep` (a traced run takes each with `step`). */
function freshReplayTraced(model: AnyModel, fixes: Iterable<string>, scenario: Scenario, schedule: readonly number[]): Summary {
  const run = new Run(model, new Set(fixes), scenario, { trace: true });
  for (const tid of schedule) {
    expect(run.outcome).toBeNull();
    run.replayStep(tid);
  }
  if (run.outcome === null) run.declareDeadlock(); // the schedule ended with no thread enabled
  const out: Summary = { outcome: run.outcome, schedule: [...run.schedule], preemptions: run.preemptions, gaveUp: [...run.gaveUp], trace: [...(run.trace ?? [])] };
  const fs = run.describeState();
  if (fs !== undefined) out.finalState = fs;
  return out;
}

/** Every object of a world as text: id, kind, name, value (and version, flavour). */
function snapshot(w: World): string[] {
  return w.objects.map((o: SimObject) => {
    let text = `${o.id}:${o.kind}:${o.name}=${o.describe()}`;
    if (o instanceof Var) text += ` v${o.version}`;
    if (o instanceof Lock) text += ` ${o.flavour.lockFn}/${o.flavour.unlockFn}`;
    return text;
  });
}

/**
 * `model` with a setup that records the state and the world's objects it made, for identity
 * checks (is recycling on?) and for the initial state of every run.
 */
function probe<S>(model: Model<S, string, string>) {
  const states: S[] = [];
  const objects: SimObject[][] = [];
  const initial: string[][] = [];
  const dirtyBefore: boolean[] = [];
  let prevObjects: SimObject[] | null = null;
  const probed: Model<S, string, string> = {
    ...model,
    setup: (w: World) => {
      // The previous run's objects, before this setup resets the recycled ones: not all at rest?
      if (prevObjects !== null) dirtyBefore.push(prevObjects.some((o) => o.kind !== 'cpu' && !atRest(o)));
      const s = model.setup(w);
      states.push(s);
      objects.push([...w.objects]);
      initial.push(snapshot(w));
      prevObjects = [...w.objects];
      return s;
    },
  };
  return { model: probed as AnyModel, states, objects, initial, dirtyBefore };
}

function atRest(o: SimObject): boolean {
  const d = o.describe();
  if (o.kind === 'lock' || o.kind === 'rwlock') return d === 'free';
  if (o.kind === 'seqcount') return d === '0';
  if (o.kind === 'srcu') return d === 'no readers';
  return true;
}

/** The initial state a fresh world gives. */
function freshInitial(model: AnyModel, fixes: Iterable<string>, threads: number): string[] {
  const w = new World(threads, new Set(fixes));
  model.setup(w);
  return snapshot(w);
}

function pickOne<T>(rng: Prng, xs: readonly T[]): T {
  return xs[rng.below(xs.length)] as T;
}

/** A model with the fix sets and scenarios to draw from. */
interface Choice {
  model: AnyModel;
  fixSets: ReadonlyArray<readonly string[]>;
  scenarios: readonly Scenario[];
}

interface Case {
  model: AnyModel;
  fixes: readonly string[];
  scenario: Scenario;
  seed: number;
}

/** A random sequence of cases: models, fix sets and scenarios mixed, so that consecutive executions differ. */
function cases(seed: number, n: number, choices: readonly Choice[]): Case[] {
  const rng = new Prng(seed);
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const c = pickOne(rng, choices);
    out.push({ model: c.model, fixes: pickOne(rng, c.fixSets), scenario: pickOne(rng, c.scenarios), seed: rng.below(1 << 30) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A. World recycling

describe('A. execute recycles the model world and gives what fresh runs give', () => {
  const lu = { fixSets: [[], ['take-lock']], scenarios: [[['increment'], ['increment']], [['increment', 'increment'], ['increment']], [['increment'], ['increment'], ['increment']]] as Scenario[] };
  const sr = { fixSets: [[], ['reader-retries']], scenarios: [[['read_pair'], ['update_pair']], [['update_pair', 'read_pair'], ['read_pair']], [['read_pair', 'read_pair'], ['update_pair', 'update_pair']]] as Scenario[] };

  it('(a) examples, kitchen sink and mixer: RandomWalk and Pct over many seeds equal fresh runs, and recycling is on', () => {
    const choices: Choice[] = [
      { model: lostUpdate as AnyModel, ...lu },
      { model: seqcountReader as AnyModel, ...sr },
      { model: ks as AnyModel, fixSets: [[], ['guard']], scenarios: ksScenarios },
      { model: mixer as AnyModel, fixSets: mixerFixSets, scenarios: mixerScenarios },
    ];
    // Each model on its own: long runs of executions of one model, each recycling the last.
    for (const choice of choices) {
      const p = probe(choice.model);
      const rng = new Prng(11);
      let failures = 0;
      for (let i = 0; i < 150; i++) {
        const fixes = pickOne(rng, choice.fixSets);
        const scenario = pickOne(rng, choice.scenarios);
        const seed = rng.below(1 << 30);
        const trace = i % 2 === 1; // traces and final states show every object after every step
        const got = summarise(execute(p.model, new Set(fixes), scenario, new RandomWalk(seed), { trace }));
        const want = fresh(choice.model, fixes, scenario, new RandomWalk(seed), trace);
        expect(got, `${choice.model.name} #${i} fixes=${fixes.join(',')} scenario=${JSON.stringify(scenario)} seed=${seed}`).toEqual(want);
        expect(p.initial[i]).toEqual(freshInitial(choice.model, fixes, scenario.length));
        if (got.outcome?.kind !== 'ok') failures++;
      }
      // The comparisons must have seen recycled worlds: some run got the very objects of the run before.
      let recycled = 0;
      for (let i = 1; i < p.objects.length; i++) {
        const prev = new Set(p.objects[i - 1]);
        if ((p.objects[i] as SimObject[]).some((o) => o.kind !== 'cpu' && prev.has(o))) recycled++;
      }
      expect(recycled, choice.model.name).toBeGreaterThan(30);
      if (choice.model !== lostUpdate) expect(failures, choice.model.name).toBeGreaterThan(0); // the schedules are not all alike
    }
    // Pct keeps state across executions: one Pct object serving a sequence of recycled executions
    // against one serving the same sequence of fresh runs.
    for (const choice of choices) {
      const a = new Pct(5, 3);
      const b = new Pct(5, 3);
      const rng = new Prng(12);
      for (let i = 0; i < 60; i++) {
        const fixes = pickOne(rng, choice.fixSets);
        const scenario = pickOne(rng, choice.scenarios);
        expect(summarise(execute(choice.model, new Set(fixes), scenario, a))).toEqual(fresh(choice.model, fixes, scenario, b));
      }
    }
  });

  it('(a) Replay of fresh schedules through recycled executions, models interleaved', () => {
    const all = cases(21, 400, [
      { model: lostUpdate as AnyModel, ...lu },
      { model: seqcountReader as AnyModel, ...sr },
      { model: ks as AnyModel, fixSets: [[], ['guard']], scenarios: ksScenarios },
      { model: mixer as AnyModel, fixSets: mixerFixSets, scenarios: mixerScenarios },
    ]);
    const wants = all.map((c) => fresh(c.model, c.fixes, c.scenario, new RandomWalk(c.seed)));
    all.forEach((c, i) => {
      const want = wants[i] as Summary;
      const got = summarise(execute(c.model, new Set(c.fixes), c.scenario, new Replay(want.schedule)));
      expect(got, `#${i} ${c.model.name}`).toEqual(want);
    });
  });

  it('(a) the mixer runs that stop mid-way leave dirty objects, and the next run still starts clean', () => {
    const p = probe(mixer as AnyModel);
    const rng = new Prng(31);
    for (let i = 0; i < 300; i++) {
      const fixes = pickOne(rng, mixerFixSets);
      const scenario = pickOne(rng, mixerScenarios);
      const seed = rng.below(1 << 30);
      const trace = i % 3 === 0;
      expect(summarise(execute(p.model, new Set(fixes), scenario, new RandomWalk(seed), { trace }))).toEqual(fresh(mixer as AnyModel, fixes, scenario, new RandomWalk(seed), trace));
      expect(p.initial[i]).toEqual(freshInitial(mixer as AnyModel, fixes, scenario.length));
    }
    // Runs ended with a lock held, a seqcount odd or SRCU readers inside, so the resets were needed.
    expect(p.dirtyBefore.filter(Boolean).length).toBeGreaterThan(20);
  });

  it('(b) a setup whose objects depend on the fixes (order, names, classes, an extra object) behaves as fresh runs', () => {
    interface ShapeState {
      x: Var<number>;
      y: Var<number>;
      extra: Counter | null;
      l: Lock;
      z: Var<number>;
      direct: Var<number>;
    }
    type F = 'swap' | 'extra' | 'kind' | 'direct-first';
    const shape = defineModel<ShapeState, string, F>({
      name: 'shape',
      title: 'objects depend on the fixes',
      summary: 'test',
      fixes: {
        swap: { commit: '000000000000', summary: 'x and y made in the other order' },
        extra: { commit: '000000000000', summary: 'one more object' },
        kind: { commit: '000000000000', summary: 'z is a counter' },
        'direct-first': { commit: '000000000000', summary: 'a directly made var first' },
      },
      operations: {
        p: {
          summary: 'p',
          kernel: 'p',
          *run(s, t) {
            yield* s.l.lock();
            const x = yield* s.x.read();
            yield* s.y.write(x + 1, 'y = x + 1');
            yield* s.l.unlock();
            if (s.extra) yield* s.extra.increment();
            yield* s.z.update((z) => z * 2);
            yield* s.direct.update((d) => d + 1);
            t.warnOn(s.x.value > 100, 'x ran away');
          },
        },
        q: {
          summary: 'q',
          kernel: 'q',
          *run(s) {
            const y = yield* s.y.read('y?');
            yield* s.x.write(y);
            yield* s.l.lock();
            yield* s.z.update((z) => z + 1, 'z++');
            yield* s.l.unlock();
          },
        },
      },
      setup: (w) => {
        const direct = w.fixed('direct-first') ? new Var(w, 'x', 40) : null;
        let x: Var<number>;
        let y: Var<number>;
        if (w.fixed('swap')) {
          y = w.var('y', 5);
          x = w.var('x', 1);
        } else {
          x = w.var('x', 1);
          y = w.var('y', 5);
        }
        const extra = w.fixed('extra') ? w.counter('extra', 9) : null;
        const l = w.spinlock('l');
        const z: Var<number> = w.fixed('kind') ? w.counter('z', 2) : w.var('z', 3);
        return { x, y, extra, l, z, direct: direct ?? new Var(w, 'direct', 0) };
      },
      invariants: [{ name: 'y-small', description: 'y stays small', check: (s) => s.y.value < 50 || `y=${s.y.value}` }],
      scenarios: { maxThreads: 3, maxOpsPerThread: 2, maxOps: 6, catalogue: [] },
      describeState: (s) => `x=${s.x.value} y=${s.y.value} z=${s.z.value} extra=${s.extra?.value ?? '-'} direct=${s.direct.value} l=${s.l.describe()}`,
    });
    const fixSets: F[][] = [[], ['swap'], ['extra'], ['kind'], ['direct-first'], ['swap', 'extra'], ['extra', 'kind'], ['swap', 'kind', 'direct-first'], ['swap', 'extra', 'kind', 'direct-first']];
    const scenarios: Scenario[] = [[['p'], ['q']], [['p', 'q'], ['q', 'p']], [['q'], ['p'], ['p']]];

    // Hand-worked identities: fixes [] then ['extra']: x, y recycled; at index 2+n the run asks
    // for counter 'extra' where the last run had lock 'l': from there on everything is new.
    const p = probe(shape as AnyModel);
    execute(p.model, new Set([]), [['p'], ['q']], new RandomWalk(1));
    execute(p.model, new Set(['extra']), [['p'], ['q']], new RandomWalk(1));
    const [s0, s1] = p.states as [ShapeState, ShapeState];
    expect(s1.x).toBe(s0.x);
    expect(s1.y).toBe(s0.y);
    expect(s1.l).not.toBe(s0.l);
    expect(s1.z).not.toBe(s0.z);
    expect(s1.direct).not.toBe(s0.direct);
    // x recycled, reset to `initial` and version 0, although the run before wrote it.
    expect(p.initial[1]).toContain('2:var:x=1 v0');
    expect(p.initial[1]).toEqual(freshInitial(shape as AnyModel, ['extra'], 2));
    // Then ['swap']: index 2 asks for var 'y' where the last run had var 'x': nothing recycled.
    execute(p.model, new Set(['swap']), [['p'], ['q']], new RandomWalk(1));
    const s2 = p.states[2] as ShapeState;
    expect([s2.x, s2.y, s2.l, s2.z]).not.toContain(s1.x);
    expect([s2.x, s2.y, s2.l, s2.z]).not.toContain(s1.y);
    expect(s2.x.id).toBe(3);
    expect(s2.y.id).toBe(2);
    // Straight from [] to ['swap']: index 2 mismatches, so the lock 'l' and var 'z' are new
    // although the last run had them at the same indices (recycling stops at the first mismatch).
    const q = probe(shape as AnyModel);
    execute(q.model, new Set([]), [['p'], ['q']], new RandomWalk(1));
    execute(q.model, new Set(['swap']), [['p'], ['q']], new RandomWalk(1));
    const [q0, q1] = q.states as [ShapeState, ShapeState];
    expect(q1.l.id).toBe(q0.l.id);
    expect(q1.l).not.toBe(q0.l);
    expect(q1.z.id).toBe(q0.z.id);
    expect(q1.z).not.toBe(q0.z);
    // Then ['kind']: after x, y, l, a counter 'z' where the last run had a var 'z': z is new.
    execute(p.model, new Set(['swap']), [['p'], ['q']], new RandomWalk(1));
    execute(p.model, new Set(['kind']), [['p'], ['q']], new RandomWalk(1));
    const [s3, s4] = [p.states[3], p.states[4]] as [ShapeState, ShapeState];
    expect(s4.x).not.toBe(s3.x); // swapped order again: index 2 is y in s3
    execute(p.model, new Set([]), [['p'], ['q']], new RandomWalk(1));
    execute(p.model, new Set(['kind']), [['p'], ['q']], new RandomWalk(1));
    const [s5, s6] = [p.states[5], p.states[6]] as [ShapeState, ShapeState];
    expect(s6.x).toBe(s5.x);
    expect(s6.l).toBe(s5.l);
    expect(s6.z).not.toBe(s5.z);
    expect(s6.z.kind).toBe('counter');
    expect(p.initial[6]).toContain('5:counter:z=2 v0');

    // And over a long random sequence, every execution equals a fresh run, traced or not.
    const rng = new Prng(41);
    for (let i = 0; i < 400; i++) {
      const fixes = pickOne(rng, fixSets);
      const scenario = pickOne(rng, scenarios);
      const seed = rng.below(1 << 30);
      const trace = rng.below(4) === 0;
      const got = summarise(execute(p.model, new Set(fixes), scenario, new RandomWalk(seed), { trace }));
      const want = fresh(shape as AnyModel, fixes, scenario, new RandomWalk(seed), trace);
      expect(got, `#${i} fixes=${fixes.join(',')} seed=${seed}`).toEqual(want);
      expect(p.initial[p.initial.length - 1]).toEqual(freshInitial(shape as AnyModel, fixes, scenario.length));
    }
  });

  it('(b) a lock recycled with another flavour has the flavour asked for', () => {
    const m = defineModel<{ l: Lock; x: Var<number> }, string, 'mtx'>({
      name: 'flavour-state',
      title: 'a lock whose flavour depends on a fix',
      summary: 'test',
      fixes: { mtx: { commit: '000000000000', summary: 'l is a mutex' } },
      operations: {
        p: {
          summary: 'p',
          kernel: 'p',
          *run(s) {
            yield* s.l.lock();
            yield* s.x.update((x) => x + 1);
            yield* s.l.unlock();
          },
        },
      },
      setup: (w) => ({ l: w.fixed('mtx') ? w.mutex('l') : w.spinlock('l'), x: w.var('x', 0) }),
      invariants: [],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [] },
    });
    const p = probe(m as AnyModel);
    const seq = [[], ['mtx'], ['mtx'], [], [], ['mtx']];
    seq.forEach((fixes, i) => {
      const got = summarise(execute(p.model, new Set(fixes), [['p'], ['p']], new RandomWalk(i)));
      expect(got).toEqual(fresh(m as AnyModel, fixes, [['p'], ['p']], new RandomWalk(i)));
      const l = (p.states[i] as { l: Lock }).l;
      expect(l.flavour).toBe(fixes.length ? core.MUTEX : core.SPINLOCK);
      expect(p.initial[i]).toEqual(freshInitial(m as AnyModel, fixes, 2));
      if (i > 0) expect(l).toBe((p.states[i - 1] as { l: Lock }).l); // recycled, whatever the flavour
    });
  });

  // Found by this test: a recycled lock kept the steps (and their cached labels, which name the
  // flavour) of its earlier run, so a spinlock recycled as a mutex said `spin_lock(l)`.
  it('(b) a lock recycled with another flavour shows the new flavour in traces and deadlock messages', () => {
    const m = defineModel<{ l: Lock }, string, 'mtx'>({
      name: 'flavours',
      title: 'a lock whose flavour depends on a fix',
      summary: 'test',
      fixes: { mtx: { commit: '000000000000', summary: 'l is a mutex' } },
      operations: {
        p: {
          summary: 'p',
          kernel: 'p',
          *run(s) {
            yield* s.l.lock();
            yield* s.l.lock(); // self-deadlock: the deadlock message names the pending step
          },
        },
      },
      setup: (w) => ({ l: w.fixed('mtx') ? w.mutex('l') : w.spinlock('l') }),
      invariants: [],
      scenarios: { maxThreads: 1, maxOpsPerThread: 1, maxOps: 1, catalogue: [] },
    });
    const scenario: Scenario = [['p']];
    // Untraced: the deadlock message names the pending step by its label.
    for (const fixes of [[], ['mtx'], [], ['mtx']]) {
      const got = summarise(execute(m as AnyModel, new Set(fixes), scenario, new RandomWalk(1)));
      const want = fresh(m as AnyModel, fixes, scenario, new RandomWalk(1));
      expect(want.outcome?.message).toContain(fixes.length ? 'CPU0 at mutex_lock(l)' : 'CPU0 at spin_lock(l)');
      expect(got.outcome).toEqual(want.outcome);
    }
    // Traced.
    for (const fixes of [[], ['mtx'], [], ['mtx']]) {
      const got = summarise(execute(m as AnyModel, new Set(fixes), scenario, new RandomWalk(1), { trace: true }));
      const want = fresh(m as AnyModel, fixes, scenario, new RandomWalk(1), true);
      expect(got.trace?.map((e) => e.label)).toEqual(want.trace?.map((e) => e.label));
      expect(got.outcome).toEqual(want.outcome);
    }
  });

  it('(b) objects made with `new Var(world, ...)` keep their index, so later factory calls still recycle', () => {
    const directs: Array<Var<number>> = [];
    const m = defineModel<{ a: Var<number>; d: Var<number>; b: Lock }, string, string>({
      name: 'direct',
      title: 'a directly made var between factory ones',
      summary: 'test',
      fixes: {},
      operations: {
        p: {
          summary: 'p',
          kernel: 'p',
          *run(s) {
            yield* s.b.lock();
            yield* s.d.update((d) => d + 1);
            yield* s.a.write(s.d.value);
            yield* s.b.unlock();
          },
        },
      },
      setup: (w) => {
        const a = w.var('a', 1);
        const d = new Var(w, 'd', 10);
        directs.push(d);
        return { a, d, b: w.spinlock('b') };
      },
      invariants: [],
      scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [] },
      describeState: (s) => `a=${s.a.value} d=${s.d.value}`,
    });
    const p = probe(m as AnyModel);
    for (let i = 0; i < 20; i++) {
      const got = summarise(execute(p.model, new Set(), [['p'], ['p']], new RandomWalk(i), { trace: true }));
      expect(got).toEqual(fresh(m as AnyModel, [], [['p'], ['p']], new RandomWalk(i), true));
      expect(p.initial[i]).toEqual(['0:cpu:CPU0=host-irq-on', '1:cpu:CPU1=host-irq-on', '2:var:a=1 v0', '3:var:d=10 v0', '4:lock:b=free spin_lock/spin_unlock']);
    }
    const states = p.states as Array<{ a: Var<number>; d: Var<number>; b: Lock }>;
    for (let i = 1; i < states.length; i++) {
      expect(states[i]?.a).toBe(states[i - 1]?.a); // before the direct object: recycled
      expect(states[i]?.b).toBe(states[i - 1]?.b); // after it: recycled too, its index kept
      expect(states[i]?.d).not.toBe(states[i - 1]?.d); // the direct one is new every run
    }
    expect(new Set(states.map((s) => s.d)).size).toBe(20);
    expect(directs).toHaveLength(40); // 20 executions and their 20 fresh runs
  });

  // A factory call hands out the last run's object at its index whenever class and name match,
  // one made directly included: reset as the factory makes it, it behaves as a new one.
  it('(b) an object made directly in one run may be handed out, reset, by a factory in the next', () => {
    const made: Array<Var<number>> = [];
    const m = defineModel<{ x: Var<number> }, string, 'direct'>({
      name: 'direct-then-factory',
      title: 'a directly made var, then a factory one at its index',
      summary: 'test',
      fixes: { direct: { commit: '000000000000', summary: 'x made directly' } },
      operations: {
        p: {
          summary: 'p',
          kernel: 'p',
          *run(s) {
            yield* s.x.update((x) => x + 1);
          },
        },
      },
      setup: (w) => {
        const x = w.fixed('direct') ? new Var(w, 'x', 40) : w.var('x', 1);
        made.push(x);
        return { x };
      },
      invariants: [],
      scenarios: { maxThreads: 1, maxOpsPerThread: 1, maxOps: 1, catalogue: [] },
    });
    execute(m as AnyModel, new Set(['direct']), [['p']], new RandomWalk(1));
    expect(made[0]?.value).toBe(41);
    const got = summarise(execute(m as AnyModel, new Set(), [['p']], new RandomWalk(1), { trace: true }));
    expect(made[1] === made[0]).toBe(true);
    expect(made[1]?.value).toBe(2); // reset to the factory's 1, then incremented
    expect(got).toEqual(fresh(m as AnyModel, [], [['p']], new RandomWalk(1), true));
  });

  it('(c) a setup that changes objects beyond their factory defaults starts every run from them', () => {
    // pfncache-like: mn.seq set after it is made; a counter and a var too. Every run bumps them
    // all; each run must still read the setup values first.
    interface S {
      mn: MmuNotifier;
      gen: Counter;
      flag: Var<boolean>;
      seen: number[];
    }
    const seenLog: number[][] = [];
    const m = defineModel<S, string, string>({
      name: 'setup-values',
      title: 'setup changes its objects',
      summary: 'test',
      fixes: {},
      operations: {
        bump: {
          summary: 'read then bump',
          kernel: 'bump',
          *run(s, t) {
            const seq = yield* s.mn.readSeq();
            const gen = yield* s.gen.read();
            const flag = yield* s.flag.read();
            const seqVersion = s.mn.seq.version;
            s.seen.push(seq, gen, flag ? 1 : 0, seqVersion);
            yield* s.mn.invalidateRangeStart();
            yield* s.mn.invalidateRangeEnd();
            yield* s.gen.add(3);
            yield* s.flag.write(!flag);
            t.warnOn(seq < 42 && s.seen.length === 4, 'first read below the setup value');
          },
        },
      },
      setup: (w) => {
        const mn = w.mmuNotifier();
        mn.seq.value = 42;
        const gen = w.counter('gen');
        gen.value = gen.value + 7;
        const flag = w.var('flag', false);
        flag.value = true;
        const seen: number[] = [];
        seenLog.push(seen);
        return { mn, gen, flag, seen };
      },
      invariants: [{ name: 'count', description: 'count at most 2', check: (s) => s.mn.count.value <= 2 }],
      scenarios: { maxThreads: 2, maxOpsPerThread: 2, maxOps: 4, catalogue: [] },
    });
    const p = probe(m as AnyModel);
    for (let i = 0; i < 50; i++) {
      const scenario: Scenario = i % 3 === 0 ? [['bump']] : [['bump', 'bump'], ['bump']];
      const got = summarise(execute(p.model, new Set(), scenario, new RandomWalk(i)));
      expect(got.outcome?.kind).toBe('ok');
      // The first read of the run is the setup's values: seq 42 (version 1: one assignment), gen 7, flag true.
      expect((seenLog[seenLog.length - 1] as number[]).slice(0, 4)).toEqual([42, 7, 1, 1]);
      expect(p.initial[i]).toEqual(freshInitial(m as AnyModel, [], scenario.length));
    }
    // The runs did recycle: the counters of consecutive runs of equal thread count are the same objects.
    expect((p.states[2] as S).mn.seq).toBe((p.states[1] as S).mn.seq);
    expect((p.states[2] as S).gen).toBe((p.states[1] as S).gen);
  });

  it('(d) changing the thread count between executions', () => {
    const p = probe(mixer as AnyModel);
    const byCount = new Map<number, Scenario[]>();
    for (const s of [...mixerScenarios, [['writer']], [['reader', 'stop']]] as Scenario[]) byCount.set(s.length, [...(byCount.get(s.length) ?? []), s]);
    const counts = [...byCount.keys()];
    expect(counts.sort()).toEqual([1, 2, 3, 4]);
    const rng = new Prng(51);
    const threadCounts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const n = pickOne(rng, counts);
      const scenario = pickOne(rng, byCount.get(n) as Scenario[]);
      const fixes = pickOne(rng, mixerFixSets);
      const seed = rng.below(1 << 30);
      const trace = i % 5 === 0;
      threadCounts.push(n);
      const got = summarise(execute(p.model, new Set(fixes), scenario, new RandomWalk(seed), { trace }));
      expect(got, `#${i}`).toEqual(fresh(mixer as AnyModel, fixes, scenario, new RandomWalk(seed), trace));
      expect(p.initial[i]).toEqual(freshInitial(mixer as AnyModel, fixes, n));
    }
    // Equal thread counts in a row recycled; a change of count made a new world.
    let sameCount = 0;
    for (let i = 1; i < threadCounts.length; i++) {
      const before = p.states[i - 1] as MixState;
      const now = p.states[i] as MixState;
      if (threadCounts[i] === threadCounts[i - 1]) {
        expect(now.mu).toBe(before.mu);
        sameCount++;
      } else {
        expect(now.mu).not.toBe(before.mu);
        // every CPU of this run is the run's own: as many as its threads
        expect((p.objects[i] as SimObject[]).filter((o) => o.kind === 'cpu')).toHaveLength(threadCounts[i] as number);
      }
    }
    expect(sameCount).toBeGreaterThan(10);
  });

  it('(e) an execute nested in an invariant check or an operation does not change the outer run', () => {
    interface S {
      x: Var<number>;
      c: Counter;
      l: Lock;
    }
    const control = { nested: false, depth: 0, seed: 0, inner: [] as Summary[], innerCases: [] as Array<{ fixes: string[]; scenario: Scenario; seed: number }> };
    const innerScenarios: Scenario[] = [[['inc'], ['inc']], [['inc', 'inc'], ['inc'], ['inc']], [['nest'], ['inc']]];
    const nestedRun = () => {
      if (!control.nested || control.depth > 0) return;
      control.depth++;
      try {
        const scenario = innerScenarios[control.seed % innerScenarios.length] as Scenario;
        const fixes = control.seed % 2 === 0 ? [] : ['locked'];
        const seed = control.seed++;
        control.innerCases.push({ fixes, scenario, seed });
        control.inner.push(summarise(execute(m as AnyModel, new Set(fixes), scenario, new RandomWalk(seed))));
      } finally {
        control.depth--;
      }
    };
    const m: Model<S, string, 'locked'> = defineModel<S, string, 'locked'>({
      name: 'nested',
      title: 'nested executions',
      summary: 'test',
      fixes: { locked: { commit: '000000000000', summary: 'take l' } },
      operations: {
        inc: {
          summary: 'x++ as a load and a store',
          kernel: 'inc',
          *run(s, t) {
            if (t.fixed('locked')) yield* s.l.lock();
            const x = yield* s.x.read();
            yield* s.x.write(x + 1);
            if (t.fixed('locked')) yield* s.l.unlock();
            yield* s.c.increment();
          },
        },
        nest: {
          summary: 'runs another execution between its steps',
          kernel: 'nest',
          *run(s) {
            const x = yield* s.x.read();
            nestedRun();
            yield* s.x.write(x + 1);
            nestedRun();
            yield* s.c.increment();
          },
        },
      },
      setup: (w) => ({ x: w.var('x', 0), c: w.counter('c'), l: w.spinlock('l') }),
      invariants: [
        {
          name: 'nests',
          description: 'runs an execution of the same model while it checks',
          check: (s) => {
            nestedRun();
            return s.c.value <= 5;
          },
        },
        { name: 'no-lost-update', description: 'x equals c at the end', at: 'end', check: (s) => s.x.value === s.c.value || `x=${s.x.value} c=${s.c.value}` },
      ],
      scenarios: { maxThreads: 3, maxOpsPerThread: 2, maxOps: 4, catalogue: [] },
      describeState: (s) => `x=${s.x.value} c=${s.c.value} l=${s.l.describe()}`,
    });
    const outerScenarios: Scenario[] = [[['inc'], ['nest']], [['nest', 'inc'], ['inc']], [['inc'], ['nest'], ['inc']]];
    const run = (nested: boolean): Summary[] => {
      control.nested = nested;
      control.seed = 0;
      const out: Summary[] = [];
      for (let i = 0; i < 60; i++) {
        const scenario = outerScenarios[i % outerScenarios.length] as Scenario;
        const fixes = i % 4 < 2 ? [] : ['locked'];
        out.push(summarise(execute(m as AnyModel, new Set(fixes), scenario, new RandomWalk(1000 + i), { trace: i % 3 === 0 })));
      }
      return out;
    };
    const without = run(false);
    expect(control.inner).toHaveLength(0);
    const withNested = run(true);
    expect(withNested).toEqual(without);
    expect(control.inner.length).toBeGreaterThan(200);
    expect(without.some((r) => r.outcome?.kind === 'violation')).toBe(true);
    // The nested executions themselves are right too (their own nested calls were off: depth > 0).
    control.nested = false;
    control.innerCases.forEach((c, i) => {
      expect(control.inner[i]).toEqual(fresh(m as AnyModel, c.fixes, c.scenario, new RandomWalk(c.seed)));
    });
    // And the outer ones equal fresh runs (checked with nesting off).
    without.forEach((r, i) => {
      const scenario = outerScenarios[i % outerScenarios.length] as Scenario;
      const fixes = i % 4 < 2 ? [] : ['locked'];
      expect(r).toEqual(fresh(m as AnyModel, fixes, scenario, new RandomWalk(1000 + i), i % 3 === 0));
    });
  });

  it('(f) an execution whose setup throws, or whose strategy throws, does not poison later ones', () => {
    const control = { calls: 0 };
    const m = defineModel<{ x: Var<number>; y: Var<number>; l: Lock }, string, 'boom' | 'late'>({
      name: 'throws',
      title: 'a setup that throws',
      summary: 'test',
      fixes: { boom: { commit: '000000000000', summary: 'throw at once' }, late: { commit: '000000000000', summary: 'throw after making objects' } },
      operations: {
        p: {
          summary: 'p',
          kernel: 'p',
          *run(s) {
            yield* s.l.lock();
            const x = yield* s.x.read();
            yield* s.y.write(x + 1);
            yield* s.x.write(x + 1);
            yield* s.l.unlock();
          },
        },
        q: {
          summary: 'q',
          kernel: 'q',
          *run(s) {
            const y = yield* s.y.read();
            yield* s.x.write(y * 2);
          },
        },
      },
      setup: (w) => {
        control.calls++;
        if (w.fixed('boom')) throw new Error('setup failed at once');
        const x = w.var('x', 1);
        const l = w.spinlock('l');
        x.value = 3;
        if (w.fixed('late')) throw new Error('setup failed half-way');
        return { x, y: w.var('y', 2), l };
      },
      invariants: [{ name: 'x-small', description: 'x stays small', check: (s) => s.x.value < 12 || `x=${s.x.value}` }],
      scenarios: { maxThreads: 2, maxOpsPerThread: 2, maxOps: 4, catalogue: [] },
      describeState: (s) => `x=${s.x.value} y=${s.y.value} l=${s.l.describe()}`,
    });
    const scenarios: Scenario[] = [[['p'], ['q']], [['p', 'q'], ['q', 'p']]];
    const rng = new Prng(61);
    let threw = 0;
    let mismatches = 0;
    let ok = 0;
    for (let i = 0; i < 300; i++) {
      const r = rng.below(10);
      const scenario = pickOne(rng, scenarios);
      const seed = rng.below(1 << 30);
      if (r === 0 || r === 1) {
        const fix = r === 0 ? 'boom' : 'late';
        expect(() => execute(m as AnyModel, new Set([fix]), scenario, new RandomWalk(seed))).toThrow(/setup failed/);
        threw++;
        continue;
      }
      if (r === 2) {
        // A replay that does not fit: the strategy throws mid-run.
        expect(() => execute(m as AnyModel, new Set(), scenario, new Replay([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))).toThrow(ReplayMismatchError);
        mismatches++;
        continue;
      }
      const trace = r === 3;
      expect(summarise(execute(m as AnyModel, new Set(), scenario, new RandomWalk(seed), { trace })), `#${i}`).toEqual(fresh(m as AnyModel, [], scenario, new RandomWalk(seed), trace));
      ok++;
    }
    expect(threw).toBeGreaterThan(20);
    expect(mismatches).toBeGreaterThan(10);
    expect(ok).toBeGreaterThan(100);
    expect(control.calls).toBeGreaterThan(threw + ok);
  });

  it('(g) a traced execution after untraced ones gives the trace and final state of a fresh replay', () => {
    const all = cases(71, 300, [
      { model: lostUpdate as AnyModel, ...lu },
      { model: seqcountReader as AnyModel, ...sr },
      { model: ks as AnyModel, fixSets: [[], ['guard']], scenarios: ksScenarios },
      { model: mixer as AnyModel, fixSets: mixerFixSets, scenarios: mixerScenarios },
    ]);
    // Runs of one model in a row, most untraced, every fourth traced.
    all.sort((a, b) => a.model.name.localeCompare(b.model.name));
    let traced = 0;
    all.forEach((c, i) => {
      const trace = i % 4 === 3;
      const got = summarise(execute(c.model, new Set(c.fixes), c.scenario, new RandomWalk(c.seed), { trace }));
      if (!trace) return;
      traced++;
      const want = freshReplayTraced(c.model, c.fixes, c.scenario, got.schedule);
      expect(got.trace, `#${i} ${c.model.name}`).toEqual(want.trace);
      expect(got.finalState).toEqual(want.finalState);
      expect(got.outcome).toEqual(want.outcome);
      expect(got.trace?.length).toBe(got.schedule.length);
    });
    expect(traced).toBe(75);
  });
});

// ---------------------------------------------------------------------------------------------
// B. The fast path of Run.drive

/**
 * A seeded strategy that may switch threads only at its switch points (and when the current thread
 * cannot go on), and consumes randomness only then: so it picks the same with or without
 * `keepsCurrentUntil`, which it implements honestly.
 */
class Sticky implements Strategy {
  readonly name = 'sticky';
  private readonly rng: Prng;
  private readonly points: readonly number[];
  readonly asked: number[] = [];
  /** Per pick: was the current thread enabled? (only meaningful when every step is asked) */
  readonly currentEnabledAt = new Map<number, boolean>();

  constructor(seed: number, points: readonly number[]) {
    this.rng = new Prng(seed);
    this.points = [...points].sort((a, b) => a - b);
  }

  beginExecution(): void {
    this.asked.length = 0;
    this.currentEnabledAt.clear();
  }

  pick(enabled: readonly number[], count: number, current: number, stepIndex: number): number {
    this.asked.push(stepIndex);
    let currentEnabled = false;
    for (let i = 0; i < count; i++) if (enabled[i] === current) currentEnabled = true;
    this.currentEnabledAt.set(stepIndex, currentEnabled);
    if (currentEnabled && !this.points.includes(stepIndex)) return current;
    return enabled[this.rng.below(count)] as number;
  }

  keepsCurrentUntil(stepIndex: number): number {
    for (const p of this.points) if (p >= stepIndex) return p;
    return Infinity;
  }
}

/** The same strategy without `keepsCurrentUntil`: every step is asked. */
function withoutKeeps(s: Strategy): Strategy {
  const w: Strategy = {
    name: s.name,
    beginExecution: (n) => s.beginExecution(n),
    pick: (enabled, count, current, stepIndex) => s.pick(enabled, count, current, stepIndex),
  };
  expect('keepsCurrentUntil' in w).toBe(false);
  return w;
}

describe('B. Run.drive keeps the current thread until keepsCurrentUntil without asking pick', () => {
  const spin = defineModel<{ x: Var<number>; stop: Var<boolean> }, string, string>({
    name: 'spin',
    title: 'a spin loop that may never end',
    summary: 'test',
    fixes: {},
    operations: {
      spin: {
        summary: 'spin until stop',
        kernel: 'spin',
        *run(s) {
          while (!(yield* s.stop.read())) yield* s.x.update((x) => x + 1);
        },
      },
      stop: { summary: 'stop', kernel: 'stop', *run(s) { yield* s.stop.write(true); } },
    },
    setup: (w) => ({ x: w.var('x', 0), stop: w.var('stop', false) }),
    invariants: [],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [] },
    maxSteps: 50,
  });
  const models: Choice[] = [
    { model: lostUpdate as AnyModel, fixSets: [[], ['take-lock']], scenarios: [[['increment', 'increment'], ['increment', 'increment']], [['increment'], ['increment'], ['increment']]] },
    { model: seqcountReader as AnyModel, fixSets: [[], ['reader-retries']], scenarios: [[['read_pair', 'read_pair'], ['update_pair', 'update_pair']]] },
    { model: ks as AnyModel, fixSets: [[], ['guard']], scenarios: ksScenarios },
    { model: mixer as AnyModel, fixSets: mixerFixSets, scenarios: mixerScenarios },
    { model: spin as AnyModel, fixSets: [[]], scenarios: [[['spin'], ['stop']], [['stop'], ['spin']]] },
  ];

  it('gives the same schedules as the same strategy without the method, and skips pick exactly where promised', () => {
    const rng = new Prng(81);
    let skipped = 0;
    let blockedAsks = 0;
    const kinds = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const c = pickOne(rng, models);
      const fixes = pickOne(rng, c.fixSets);
      const scenario = pickOne(rng, c.scenarios);
      const seed = rng.below(1 << 30);
      const points: number[] = [];
      const np = rng.below(6);
      for (let k = 0; k < np; k++) points.push(rng.below(40));
      if (rng.below(10) === 0) points.push(0);
      const keeping = new Sticky(seed, points);
      const asking = new Sticky(seed, points);
      const trace = i % 10 === 0;
      const got = summarise(execute(c.model, new Set(fixes), scenario, keeping, { trace }));
      const want = summarise(execute(c.model, new Set(fixes), scenario, withoutKeeps(asking), { trace }));
      expect(got, `#${i} ${c.model.name} points=${points}`).toEqual(want);
      // Independent of execute's loop: a fresh run under the plain loop.
      expect(got).toEqual(fresh(c.model, fixes, scenario, withoutKeeps(new Sticky(seed, points)), trace));
      kinds.add(got.outcome?.kind ?? 'none');
      // Without the method every step is asked.
      const steps = want.schedule.length;
      expect(asking.asked).toEqual(Array.from({ length: steps }, (_, k) => k));
      // With it: step 0, the switch points, and the steps where the last thread could not go on.
      const expected = asking.asked.filter((k) => k === 0 || points.includes(k) || asking.currentEnabledAt.get(k) === false);
      expect(keeping.asked, `#${i}`).toEqual(expected);
      skipped += steps - keeping.asked.length;
      blockedAsks += expected.filter((k) => k > 0 && !points.includes(k)).length;
    }
    expect(skipped).toBeGreaterThan(10_000);
    expect(blockedAsks).toBeGreaterThan(500); // the current thread became disabled (blocked or done) mid-run
    for (const k of ['ok', 'violation', 'deadlock', 'bound-reached']) expect(kinds, k).toContain(k);
  });

  it('a strategy that keeps until Infinity is asked only when the current thread cannot go on', () => {
    let asks = 0;
    const s: Strategy = {
      name: 'forever',
      beginExecution() {},
      pick(enabled, count, current) {
        asks++;
        for (let i = 0; i < count; i++) if (enabled[i] === current) return current;
        return enabled[count - 1] as number;
      },
      keepsCurrentUntil: () => Infinity,
    };
    // lost-update with the lock, two threads of two increments: each thread runs to its end (its
    // steps never block when it keeps running), so pick is asked at step 0 and once thread 1 is done.
    const e = execute(lostUpdate as AnyModel, new Set(['take-lock']), [['increment', 'increment'], ['increment', 'increment']], s);
    expect(e.schedule).toEqual([...Array(8).fill(1), ...Array(8).fill(0)]);
    expect(asks).toBe(2);
    expect(e.outcome.kind).toBe('ok');
    // A keepsCurrentUntil that never promises anything (returns stepIndex): every step is asked.
    asks = 0;
    const never: Strategy = { ...s, keepsCurrentUntil: (i: number) => i };
    const e2 = execute(lostUpdate as AnyModel, new Set(['take-lock']), [['increment', 'increment'], ['increment', 'increment']], never);
    expect(e2.schedule).toEqual(e.schedule);
    expect(asks).toBe(16);
  });
});

// ---------------------------------------------------------------------------------------------
// C. One-step calls are their own final iterator result

describe('C. steps of the primitives as iterators', () => {
  const setupWorld = () => {
    const w = new World(1, new Set());
    w.current = 0;
    const x = w.var('x', 5);
    const c = w.counter('c', 10);
    const t = new ThreadContext(0, w, false);
    return { w, x, c, t };
  };
  type It<T> = Iterator<Step, T, void>;
  const it_ = <T>(s: Steps<T>): It<T> => s as It<T>;

  it('read, write and update, unlabelled and labelled, driven with next()', () => {
    const { x } = setupWorld();
    // unlabelled read
    let call = it_(x.read());
    let r = call.next();
    expect(r.done).toBe(false);
    const readStep = r.value as Step;
    expect(readStep.label).toBe('read x');
    expect(readStep.accesses).toEqual([{ obj: x, mode: 'read' }]);
    r = call.next();
    expect(r).toMatchObject({ done: true, value: 5 });
    const second = call.next();
    expect(second.done).toBe(true);
    expect(second.value).toBeUndefined();
    expect(r.value).toBe(5); // the earlier result is unchanged
    // labelled read
    call = it_(x.read('why'));
    r = call.next();
    expect(r.done).toBe(false);
    const labelled = r.value as Step;
    expect(labelled.label).toBe('why');
    expect(labelled.enabled).toBeUndefined();
    r = call.next();
    expect(r.done).toBe(true);
    expect(r.value).toBe(5);
    expect(call.next()).toMatchObject({ done: true, value: undefined });
    // the step yielded keeps its label and footprint after the call completed
    expect(labelled.label).toBe('why');
    expect(labelled.accesses).toEqual([{ obj: x, mode: 'read' }]);
    // unlabelled write: done, undefined
    const w1 = it_(x.write(8));
    const ws = w1.next();
    expect(ws.done).toBe(false);
    expect((ws.value as Step).label).toBe('write x');
    expect(x.value).toBe(5); // the effect comes after the step
    const wr = w1.next();
    expect(wr.done).toBe(true);
    expect(wr.value).toBeUndefined();
    expect(x.value).toBe(8);
    expect(x.version).toBe(1);
    expect(w1.next()).toMatchObject({ done: true, value: undefined });
    expect(x.version).toBe(1); // no second effect
    // labelled write
    const w2 = it_(x.write(9, 'x = 9'));
    const w2step = w2.next().value as Step;
    expect(w2step.label).toBe('x = 9');
    expect(w2step.accesses).toEqual([{ obj: x, mode: 'write' }]);
    expect(w2.next()).toMatchObject({ done: true, value: undefined });
    expect(x.value).toBe(9);
    expect(w2.next()).toMatchObject({ done: true, value: undefined });
    expect(w2step.label).toBe('x = 9');
    expect(w2step.accesses).toEqual([{ obj: x, mode: 'write' }]);
    // update, unlabelled and labelled, return the new value
    const u1 = it_(x.update((v) => v * 2));
    expect((u1.next().value as Step).accesses).toEqual([{ obj: x, mode: 'write' }]);
    expect(u1.next()).toMatchObject({ done: true, value: 18 });
    expect(u1.next()).toMatchObject({ done: true, value: undefined });
    const u2 = it_(x.update((v) => v + 1, 'x++'));
    const u2step = u2.next().value as Step;
    expect(u2step.label).toBe('x++');
    expect(u2.next()).toMatchObject({ done: true, value: 19 });
    expect(u2.next()).toMatchObject({ done: true, value: undefined });
    expect(u2step.label).toBe('x++');
    expect(u2step.accesses).toEqual([{ obj: x, mode: 'write' }]);
    expect(x.value).toBe(19);
    expect(x.version).toBe(4);
  });

  it('falsy results (0, false, null, empty string) are returned as values', () => {
    const w = new World(1, new Set());
    for (const v of [0, false, null, '', Number.NaN]) {
      const x = w.var<unknown>(`v${String(v)}`, v);
      for (const call of [it_(x.read()), it_(x.read('labelled')), it_(x.update(() => v)), it_(x.update(() => v, 'u'))]) {
        expect(call.next().done).toBe(false);
        const r = call.next();
        expect(r.done).toBe(true);
        expect(Object.is(r.value, v)).toBe(true);
        expect(call.next()).toMatchObject({ done: true, value: undefined });
      }
    }
    // an update to undefined returns undefined
    const u = w.var<number | undefined>('u', 1);
    for (const call of [it_(u.update(() => undefined)), it_(u.update(() => undefined, 'u = undefined'))]) {
      call.next();
      expect(call.next()).toMatchObject({ done: true, value: undefined });
    }
  });

  it('Counter.increment/add and t.step', () => {
    const { x, c, t } = setupWorld();
    const inc = it_(c.increment());
    expect((inc.next().value as Step).label).toBe('c++');
    expect(inc.next()).toMatchObject({ done: true, value: 11 });
    expect(inc.next()).toMatchObject({ done: true, value: undefined });
    const inc2 = it_(c.increment('c += 1'));
    expect((inc2.next().value as Step).label).toBe('c += 1');
    expect(inc2.next()).toMatchObject({ done: true, value: 12 });
    const add = it_(c.add(5));
    expect((add.next().value as Step).label).toBe('c += 5');
    expect(add.next()).toMatchObject({ done: true, value: 17 });
    expect(add.next()).toMatchObject({ done: true, value: undefined });
    expect(c.value).toBe(17);
    // a declared step: no effect, done with undefined
    const decl = it_(t.step('x = c', { reads: [c], writes: [x] }));
    const r = decl.next();
    expect(r.done).toBe(false);
    const step = r.value as Step;
    expect(step.label).toBe('x = c');
    expect(step.accesses).toEqual([
      { obj: c, mode: 'read' },
      { obj: x, mode: 'write' },
    ]);
    expect(decl.next()).toMatchObject({ done: true, value: undefined });
    expect(decl.next()).toMatchObject({ done: true, value: undefined });
    expect(step.label).toBe('x = c');
    expect(step.accesses.map((a) => a.mode)).toEqual(['read', 'write']);
    expect(x.value).toBe(5); // t.step has no effect of its own
  });

  it('return() and throw() end a call without its effect', () => {
    const { x, c } = setupWorld();
    const calls: Array<() => It<unknown>> = [() => it_(x.read()), () => it_(x.read('l')), () => it_(x.write(1)), () => it_(x.write(1, 'l')), () => it_(x.update((v) => v + 1)), () => it_(x.update((v) => v + 1, 'l')), () => it_(c.increment()), () => it_(c.increment('l'))];
    for (const make of calls) {
      for (const startFirst of [false, true]) {
        // return
        let call = make();
        if (startFirst) expect(call.next().done).toBe(false);
        expect(call.return?.(42)).toEqual({ value: 42, done: true });
        expect(call.next()).toMatchObject({ done: true, value: undefined });
        expect([x.value, x.version, c.value]).toEqual([5, 0, 10]);
        // throw
        call = make();
        if (startFirst) call.next();
        const err = new Error('boom');
        expect(() => call.throw?.(err)).toThrow(err);
        expect(call.next()).toMatchObject({ done: true, value: undefined });
        expect([x.value, x.version, c.value]).toEqual([5, 0, 10]);
      }
    }
  });

  it('under yield* in generators: values, return() and throw() delegated', () => {
    const { x, c, t } = setupWorld();
    function* body(): Steps<unknown[]> {
      const a = yield* x.read();
      const b = yield* x.update((v) => v + 10, 'x += 10');
      yield* x.write(a + b, 'x = a + b');
      const d = yield* c.increment();
      const e = yield* t.step('declared', { writes: [x] });
      const f = yield* x.read('final');
      const g = yield* x.write(0);
      return [a, b, d, e, f, g];
    }
    const g = body();
    const labels: string[] = [];
    let r = g.next();
    while (!r.done) {
      labels.push(r.value.label);
      r = g.next();
    }
    expect(labels).toEqual(['read x', 'x += 10', 'x = a + b', 'c++', 'declared', 'final', 'write x']);
    expect(r.value).toEqual([5, 15, 11, undefined, 20, undefined]);
    expect(x.value).toBe(0);
    expect(g.next()).toEqual({ value: undefined, done: true });

    // return() while suspended in a primitive's step: the generator ends with the value, its
    // finally runs, the primitive's effect does not.
    for (const labelled of [false, true]) {
      let cleaned = false;
      function* ret(): Steps<number> {
        try {
          return yield* (labelled ? c.increment('c++ (l)') : c.increment());
        } finally {
          cleaned = true;
        }
      }
      const before = c.value;
      const gr = ret();
      expect(gr.next().done).toBe(false);
      expect(gr.return(99)).toEqual({ value: 99, done: true });
      expect(cleaned).toBe(true);
      expect(c.value).toBe(before);
      // throw() while suspended: the error reaches the generator at the yield*, which may catch it.
      function* thr(): Steps<string> {
        try {
          yield* (labelled ? x.write(7, 'x = 7') : x.write(7));
          return 'no error';
        } catch (e) {
          return `caught ${(e as Error).message}`;
        }
      }
      const gt = thr();
      gt.next();
      expect(gt.throw(new Error('E'))).toEqual({ value: 'caught E', done: true });
      expect(x.value).toBe(0);
    }
  });

  it('two calls never share state', () => {
    const { x, c } = setupWorld();
    for (const labelled of [false, true]) {
      x.value = 5;
      const a = it_(labelled ? x.read('a') : x.read());
      const b = it_(labelled ? x.read('b') : x.read());
      // (identity checked with ===: expect(iterator).not.toBe(...) iterates its arguments)
      expect(a === b).toBe(false);
      const sa = a.next().value as Step;
      const sb = b.next().value as Step;
      if (labelled) {
        expect(sa === sb).toBe(false);
        expect([sa.label, sb.label]).toEqual(['a', 'b']);
      }
      const ra = a.next();
      expect(ra).toMatchObject({ done: true, value: 5 });
      const w = it_(x.write(9));
      w.next();
      w.next();
      const rb = b.next();
      expect(rb).toMatchObject({ done: true, value: 9 });
      expect(ra.value).toBe(5); // a's result is its own
      expect(a.next().value).toBeUndefined();
      expect(rb.value).toBe(9);
      expect(ra.value).toBe(5);
      // interleaved updates
      const u1 = it_(labelled ? c.increment('u1') : c.increment());
      const u2 = it_(labelled ? c.increment('u2') : c.increment());
      u1.next();
      u2.next();
      const r2 = u2.next();
      const r1 = u1.next();
      expect(r2.value).toBe(c.value - 1);
      expect(r1.value).toBe(c.value);
      expect(r2.value).not.toBe(r1.value);
      // a completed call does not disturb one not started
      const fresh1 = it_(labelled ? x.update((v) => v + 1, 'f') : x.update((v) => v + 1));
      const r3 = fresh1.next();
      expect(r3.done).toBe(false);
      expect(fresh1.next()).toMatchObject({ done: true, value: 10 });
      expect(rb.value).toBe(9);
    }
  });

  it('steps inside a run: pendingStep keeps its label and footprint after the step was taken', () => {
    const m = defineModel<{ x: Var<number> }, string, string>({
      name: 'pending',
      title: 'pending steps',
      summary: 'test',
      fixes: {},
      operations: {
        p: {
          summary: 'p',
          kernel: 'p',
          *run(s, t: Thread) {
            const a = yield* s.x.read('first read');
            const b = yield* s.x.update((v) => v + a, 'double');
            yield* t.step('declared', { reads: [s.x] });
            t.assert(b === 2 * a, 'update-returned', `b=${b}`);
          },
        },
      },
      setup: (w) => ({ x: w.var('x', 3) }),
      invariants: [],
      scenarios: { maxThreads: 1, maxOpsPerThread: 1, maxOps: 1, catalogue: [] },
    });
    const run = new Run(m as AnyModel, new Set(), [['p']]);
    const kept: Step[] = [];
    while (run.outcome === null) {
      const s = run.pendingStep(0) as Step;
      kept.push(s);
      run.step(0);
    }
    expect(run.outcome).toMatchObject({ kind: 'ok' });
    expect(kept.map((s) => s.label)).toEqual(['first read', 'double', 'declared']);
    expect(kept.map((s) => s.accesses.map((a) => `${a.obj.name}:${a.mode}`))).toEqual([['x:read'], ['x:write'], ['x:read']]);
    expect(kept.map((s) => s.enabled)).toEqual([undefined, undefined, undefined]);
  });
});

// ---------------------------------------------------------------------------------------------
// D. t.within

describe('D. t.within', () => {
  it('untraced: returns a one-step body itself; traced: wraps it', () => {
    const w = new World(1, new Set());
    const x = w.var('x', 1);
    const c = w.counter('c');
    const untraced = new ThreadContext(0, w, false);
    const traced = new ThreadContext(0, w, true);
    for (const make of [() => x.read(), () => x.read('l'), () => x.write(2), () => x.write(2, 'l'), () => c.increment(), () => untraced.step('s', {})]) {
      const body = make() as Steps<unknown>;
      expect(untraced.within('f', body)).toBe(body);
      const body2 = make() as Steps<unknown>;
      const wrapped = traced.within('f', body2);
      expect(wrapped === body2).toBe(false); // (not expect().not.toBe: it would iterate them)
      // the wrapper yields the same steps and returns the same value, and pushes/pops the function
      const r = wrapped.next();
      expect(r.done).toBe(false);
      expect(traced.currentFunction()).toBe('f');
      const end = wrapped.next();
      expect(end.done).toBe(true);
      expect(traced.fnStack).toEqual([]);
    }
  });

  interface WS {
    x: Var<number>;
    c: Counter;
  }
  const nestedWithin = defineModel<WS, string, string>({
    name: 'nested-within',
    title: 'nested within calls',
    summary: 'test',
    fixes: {},
    operations: {
      outer: {
        summary: 'outer',
        kernel: 'outer',
        *run(s, t: Thread) {
          yield* t.within(
            'f',
            (function* () {
              yield* s.x.read(); // f
              yield* t.within('g', s.x.write(1, 'x = 1')); // g (a labelled one-step call)
              const n = yield* t.within('g2', s.c.increment()); // g2 (a one-step call)
              t.assert(n >= 1, 'increment-value');
              yield* s.x.read('again'); // f
            })(),
          );
          yield* t.within('h', t.step('declared', { writes: [s.x] })); // h
          yield* s.x.write(3); // outer
          return 'done';
        },
      },
      other: {
        summary: 'other',
        kernel: 'other',
        *run(s, t) {
          const v = yield* t.within('k', s.x.read()); // k
          yield* t.within('k2', t.within('k3', s.c.increment('c += 1'))); // k3
          yield* s.x.write(v, 'x = v'); // other
        },
      },
    },
    setup: (w) => ({ x: w.var('x', 0), c: w.counter('c') }),
    invariants: [{ name: 'c-small', description: 'c <= 2', check: (s) => s.c.value <= 2 }],
    scenarios: { maxThreads: 2, maxOpsPerThread: 2, maxOps: 3, catalogue: [] },
    describeState: (s) => `x=${s.x.value} c=${s.c.value}`,
  });
  const fnsOf: Record<string, string[]> = { outer: ['f', 'g', 'g2', 'f', 'h', 'outer'], other: ['k', 'k3', 'other'] };
  const labelsOf: Record<string, string[]> = { outer: ['read x', 'x = 1', 'c++', 'again', 'declared', 'write x'], other: ['read x', 'c += 1', 'x = v'] };

  it('a traced run names the function of each step (hand-worked schedule)', () => {
    const e = execute(nestedWithin as AnyModel, new Set(), [['outer'], ['other']], new Replay([0, 1, 0, 0, 1, 0, 1, 0, 0]), { trace: true });
    expect(e.outcome.kind).toBe('ok');
    expect(e.trace?.map((s) => [s.thread, s.fn, s.label])).toEqual([
      [0, 'f', 'read x'],
      [1, 'k', 'read x'],
      [0, 'g', 'x = 1'],
      [0, 'g2', 'c++'],
      [1, 'k3', 'c += 1'],
      [0, 'f', 'again'],
      [1, 'other', 'x = v'],
      [0, 'h', 'declared'],
      [0, 'outer', 'write x'],
    ]);
  });

  it('traced and untraced runs give the same schedules and outcomes, and every traced step names its function', () => {
    const scenarios: Scenario[] = [[['outer'], ['other']], [['outer', 'other'], ['other', 'outer']], [['other', 'outer'], ['outer']]];
    const rng = new Prng(91);
    for (let i = 0; i < 300; i++) {
      const scenario = pickOne(rng, scenarios);
      const seed = rng.below(1 << 30);
      const plain = summarise(execute(nestedWithin as AnyModel, new Set(), scenario, new RandomWalk(seed)));
      const traced = summarise(execute(nestedWithin as AnyModel, new Set(), scenario, new RandomWalk(seed), { trace: true }));
      expect(traced.schedule).toEqual(plain.schedule);
      expect(traced.outcome).toEqual(plain.outcome);
      expect(traced.preemptions).toBe(plain.preemptions);
      expect(plain).toEqual(fresh(nestedWithin as AnyModel, [], scenario, new RandomWalk(seed)));
      // Per thread, the functions and labels follow its operations' programs, whatever the interleaving.
      scenario.forEach((ops, tid) => {
        const mine = (traced.trace ?? []).filter((s) => s.thread === tid);
        const wantFns = ops.flatMap((op) => fnsOf[op] as string[]).slice(0, mine.length);
        const wantLabels = ops.flatMap((op) => labelsOf[op] as string[]).slice(0, mine.length);
        expect(mine.map((s) => s.fn)).toEqual(wantFns);
        expect(mine.map((s) => s.label)).toEqual(wantLabels);
        expect(mine.map((s) => s.operation)).toEqual(ops.flatMap((op) => (fnsOf[op] as string[]).map(() => op)).slice(0, mine.length));
      });
    }
    // The kitchen sink (within around synchronize_srcu) as well.
    for (let i = 0; i < 100; i++) {
      const scenario = pickOne(rng, ksScenarios);
      const fixes = rng.below(2) === 0 ? [] : ['guard'];
      const plain = summarise(execute(ks as AnyModel, new Set(fixes), scenario, new RandomWalk(i)));
      const traced = summarise(execute(ks as AnyModel, new Set(fixes), scenario, new RandomWalk(i), { trace: true }));
      expect([traced.schedule, traced.outcome, traced.preemptions]).toEqual([plain.schedule, plain.outcome, plain.preemptions]);
      for (const s of traced.trace ?? []) {
        if (s.label.startsWith('synchronize_srcu')) expect(s.fn).toBe('synchronize_srcu');
        else expect(s.fn).toBe(s.operation);
      }
    }
  });
});
