import { describe, expect, it } from 'vitest';
import { boundedDfs, dpor, Prng, replaySchedule, Run, Var, type Steps, type Thread, type AnyModel, type ExploreFailure, type ExploreResult, type ExplorerOptions, type Lock, type Scenario, type Srcu } from '../src/index.js';
import { compareFailures, failureOf } from '../src/explore/result.js';
import { withoutStateInvariants } from '../src/explore/cut-invariants.js';
import { randomModel } from './explore-random-models.js';
import { tiny } from './fixtures/harness.js';

// Mutation tests of the DPOR explorer (issue #11, src/explore/dpor.ts): on small hand-made models
// with blocking steps (locks, SRCU, IPIs, waits), failures inside threads, deadlocks and the step
// budget, DPOR must end in exactly the final states plain DFS ends in and find the same failures,
// and the counts it reports must add up to what it reported through `onExecution`.

const none = new Set<string>();

interface Small {
  readonly model: AnyModel;
  readonly scenario: Scenario;
}

/** What the executions of one exploration ended in, as reported through `onExecution`. */
interface Observed {
  readonly r: ExploreResult;
  /** Final states of the executions that were not cut short (ok, deadlock): every Var and each live thread's next step. */
  readonly finals: string[];
  /** The failures: kind, what broke and by which thread (where a cut falls among independent steps is not fixed). */
  readonly failures: string[];
  /** Executions reported, failing ones among them, and the steps of all of them. */
  readonly runs: number;
  readonly failing: number;
  readonly steps: number;
  /** Each execution's schedule, in the order reported. */
  readonly schedules: string[];
  /** Whether each reported execution failed, in order. */
  readonly failed: boolean[];
  /** The smallest failure reported (fewest preemptions, then steps, then the smaller schedule). */
  readonly best: ExploreFailure | undefined;
}

function finalState(run: Run): string {
  const vars = run.world.objects.filter((o): o is Var<unknown> => o instanceof Var).map((v) => `${v.name}=${String(v.value)}`);
  const alive = Array.from({ length: run.threadCount }, (_, t) => (run.isAlive(t) ? `${t}:${run.pendingStep(t)?.label}` : `${t}:done`));
  return `${run.outcome?.kind} ${vars.join(',')} ${alive.join(' ')}`;
}

function observe(explorer: typeof dpor, m: Small, options: ExplorerOptions = {}): Observed {
  const finals = new Set<string>();
  const failures = new Set<string>();
  const schedules: string[] = [];
  const failed: boolean[] = [];
  let failing = 0;
  let steps = 0;
  let best: ExploreFailure | undefined;
  const onExecution = (run: Run) => {
    const o = run.outcome;
    if (!o) throw new Error('an execution reported before it ended');
    schedules.push(run.schedule.join(''));
    steps += run.schedule.length;
    const f = failureOf(run);
    failed.push(f !== undefined);
    if (o.kind === 'ok' || o.kind === 'deadlock') finals.add(finalState(run));
    if (f) {
      failing++;
      failures.add(`${o.kind} ${o.invariant ?? ''} by CPU${o.thread ?? '-'}`);
      if (!best || compareFailures(f, best) < 0) best = f;
    }
  };
  const r = explorer(m.model, none, m.scenario, { stopAtFirst: false, ...options, onExecution });
  return { r, finals: [...finals].sort(), failures: [...failures].sort(), runs: schedules.length, failing, steps, schedules, failed, best };
}

/** The counts of one DPOR pass (no state invariants, so no restart) agree with what it reported. */
function expectCountsAddUp(o: Observed): void {
  expect(o.r.complete, 'complete = executions reported').toBe(o.runs);
  expect(o.r.executions, 'executions = complete + redundant').toBe(o.r.complete + o.r.redundant);
  expect(o.r.failures, 'failures = failing executions reported').toBe(o.failing);
  expect(o.r.failure, 'the failure kept is the smallest one').toEqual(o.best);
  // Every execution is a new path of the tree: replaying its prefix counts as steps too, so with no
  // abandoned (sleep-set-blocked) run the steps are exactly those of the executions reported.
  if (o.r.redundant === 0) expect(o.r.steps, 'steps = steps of the executions').toBe(o.steps);
  else expect(o.r.steps).toBeGreaterThan(o.steps);
  expect(new Set(o.schedules).size, 'no execution twice').toBe(o.runs);
}

/** DPOR ends in the final states and finds the failures plain DFS does, with fewer executions. */
function expectLikeDfs(m: Small, options: ExplorerOptions = {}): { full: Observed; reduced: Observed } {
  const full = observe(boundedDfs, m, options);
  const reduced = observe(dpor, m, options);
  expect(reduced.finals).toEqual(full.finals);
  expect(reduced.failures).toEqual(full.failures);
  expect(reduced.r.complete).toBeLessThanOrEqual(full.r.complete);
  expectCountsAddUp(reduced);
  return { full, reduced };
}

// --- Models ---------------------------------------------------------------------------------

/** Message passing: CPU0 publishes data then a flag; CPU1 waits for the flag, then copies data; CPU2 overwrites data. */
const messagePassing = tiny((w) => ({ data: w.var('data', 0), flag: w.var('flag', 0), seen: w.var('seen', -1) }), [
  function* (s) {
    yield* s.data.write(1);
    yield* s.flag.write(1);
  },
  function* (s, t) {
    yield* t.awaitChange('wait for flag', [s.flag]);
    const d = yield* s.data.read();
    yield* s.seen.write(d);
  },
  function* (s) {
    yield* s.data.write(2);
  },
]);

/** CPU0 disables interrupts around two stores; CPU1's IPI handler, run on every CPU, copies x to y. */
const ipi = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', -1) }), [
  function* (s, t) {
    yield* t.cpu.irqDisable();
    yield* s.x.write(1);
    yield* s.x.write(2);
    yield* t.cpu.irqEnable();
  },
  function* (s, t) {
    yield* t.world.cpus.onEachCpu((target) => {
      if (target === 0) s.y.value = s.x.value;
    });
  },
]);

/** SRCU: CPU0 reads p and, seeing the old object, checks it is not freed; CPU1 unpublishes, waits, frees. */
function srcu(protectedRead: boolean): Small {
  return tiny((w): { p: Var<number>; freed: Var<number>; srcu: Srcu } => ({ p: w.var('p', 0), freed: w.var('freed', 0), srcu: w.srcu('srcu') }), [
    function* (s, t: Thread) {
      if (protectedRead) yield* s.srcu.readLock();
      const p = yield* s.p.read();
      if (p === 0) t.assert((yield* s.freed.read()) === 0, 'use-after-free');
      if (protectedRead) yield* s.srcu.readUnlock();
    },
    function* (s) {
      yield* s.p.write(1);
      yield* s.srcu.synchronize();
      yield* s.freed.write(1);
    },
  ]);
}

type Locked = { locks: Lock[]; n: Var<number> };

/** A thread that takes lock a, then lock b, increments n under both, and releases them. */
function nested(a: number, b: number) {
  return function* (s: Locked): Steps {
    yield* (s.locks[a] as Lock).lock();
    yield* (s.locks[b] as Lock).lock();
    const v = yield* s.n.read();
    yield* s.n.write(v + 1);
    yield* (s.locks[b] as Lock).unlock();
    yield* (s.locks[a] as Lock).unlock();
  };
}

/** Three CPUs take two of three locks each, in a cycle (deadlock) or with one in the other order (none). */
function lockRing(ordered: boolean): Small {
  return tiny((w): Locked => ({ locks: [w.spinlock('a'), w.spinlock('b'), w.spinlock('c')], n: w.var('n', 0) }), [nested(0, 1), nested(1, 2), ordered ? nested(0, 2) : nested(2, 0)]);
}

/** CPU0 oopses after its first step; CPU1 oopses only after three: a second failure behind the first. */
const behindFailure = tiny((w) => ({ x: w.var('x', 0) }), [
  function* (_s, t) {
    yield* t.step('a', {});
    t.oops('first');
  },
  function* (s, t) {
    yield* t.step('b', {});
    yield* s.x.write(1);
    yield* t.step('c', {});
    t.oops('second');
  },
]);

/** Store buffering with inline assertions: each CPU stores its flag and asserts it did not see the other's. */
const storeBuffering = tiny((w) => ({ a: w.var('a', 0), b: w.var('b', 0), c: w.var('c', 0) }), [
  function* (s, t: Thread) {
    yield* s.a.write(1);
    t.assert((yield* s.b.read()) === 0, 'saw-b');
  },
  function* (s, t: Thread) {
    yield* s.b.write(1);
    t.assert((yield* s.a.read()) === 0, 'saw-a');
  },
  function* (s) {
    yield* s.c.write(1);
  },
]);

/** CPU0 spins until CPU1 sets the flag: with a small step budget some runs are cut at the bound (bound-reached). */
const spinWait = tiny((w) => ({ flag: w.var('flag', 0), x: w.var('x', 0) }), [
  function* (s) {
    while ((yield* s.flag.read()) === 0) {
      /* spin */
    }
    yield* s.x.write(2);
  },
  function* (s) {
    yield* s.x.write(1);
    yield* s.flag.write(1);
  },
]);

describe('DPOR ends where plain DFS ends, on models with blocking steps and failures', () => {
  it('message passing through a wait: every value the waiter can copy', () => {
    const { full, reduced } = expectLikeDfs(messagePassing);
    expect(full.failures).toEqual([]);
    // The waiter copies 1 or 2 (never the initial 0: the flag comes after data = 1).
    expect(new Set(full.finals.map((f) => /seen=(-?\d)/.exec(f)?.[1]))).toEqual(new Set(['1', '2']));
    expect(reduced.r.complete).toBeLessThan(full.r.complete);
  });

  it('an IPI is taken before or after an interrupts-off section, never inside it', () => {
    const { full } = expectLikeDfs(ipi);
    expect(new Set(full.finals.map((f) => /y=(-?\d)/.exec(f)?.[1]))).toEqual(new Set(['0', '2']));
  });

  it('SRCU: the read section holds the free back; without it the use-after-free is found', () => {
    const safe = expectLikeDfs(srcu(true));
    expect(safe.reduced.r.failures).toBe(0);
    const unsafe = expectLikeDfs(srcu(false));
    expect(unsafe.full.failures).toEqual(['violation use-after-free by CPU0']);
    expect(unsafe.reduced.r.failure?.schedule).toEqual(unsafe.full.r.failure?.schedule);
  });

  it('locks taken in a cycle deadlock; in one order they do not', () => {
    const ring = expectLikeDfs(lockRing(false));
    expect(ring.full.failures).toEqual(['deadlock  by CPU-']);
    expect(ring.reduced.r.failure?.outcome.cycle).toHaveLength(4);
    // The deadlock needs each CPU to take its first lock before any takes its second: three steps.
    expect(ring.reduced.r.failure?.schedule).toHaveLength(3);
    const ordered = expectLikeDfs(lockRing(true));
    expect(ordered.full.failures).toEqual([]);
    expect(ordered.reduced.r.complete).toBeLessThan(ordered.full.r.complete);
  });

  it('a wait races with the write that ends it, but that race is not reversed', () => {
    // CPU1 waits for x to change; CPU0 changes it; CPU2 writes z, independent of both. The wait
    // runs after the write and races with it, but it cannot run before it (the write is what
    // enables it), so the race adds nothing: one execution, none abandoned.
    const m = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0), z: w.var('z', 0) }), [
      function* (s) {
        yield* s.x.write(1);
      },
      function* (s, t) {
        yield* t.awaitChange('wait for x', [s.x]);
        yield* s.y.write(1);
      },
      function* (s) {
        yield* s.z.write(1);
      },
    ]);
    const { reduced } = expectLikeDfs(m);
    expect(reduced.r).toMatchObject({ executions: 1, complete: 1, redundant: 0 });
  });

  it('a failure behind another failure is found (the cut-short rule)', () => {
    const { full, reduced } = expectLikeDfs(behindFailure);
    expect(full.failures).toEqual(['oops  by CPU0', 'oops  by CPU1']);
    expect(reduced.r.failures).toBe(reduced.runs);
  });

  it('the run behind a failure ends by taking the deferred failing step, not abandoned', () => {
    // CPU0 fails at its first step; CPU1 is still live then, so it races with that step as if it
    // ran next (the cut-short rule). In the run that reverses the race CPU0's step sleeps, deferred:
    // once CPU1 is done it is the only step left, and it is taken (the header's rule) rather than
    // the run being abandoned sleep-set-blocked.
    const m = tiny(() => ({}), [
      function* (_s, t) {
        yield* t.step('a', {});
        t.oops('first');
      },
      function* (_s, t) {
        yield* t.step('b', {});
      },
    ]);
    const { full, reduced } = expectLikeDfs(m);
    expect(full.failures).toEqual(['oops  by CPU0']);
    expect(reduced.schedules).toEqual(['0', '10']);
    expect(reduced.r).toMatchObject({ executions: 2, complete: 2, redundant: 0, failures: 2 });
  });

  it('a run that fails before any step is one execution, with nothing to reverse', () => {
    // CPU1's operation fails before its first step (while the run starts); CPU0 is live, but no
    // step was taken, so there is no step to race with.
    const m = tiny(() => ({}), [
      function* (_s, t) {
        yield* t.step('a', {});
      },
      function* (_s, t): Steps {
        t.oops('at once');
        yield* t.step('never', {});
      },
    ]);
    const { reduced } = expectLikeDfs(m);
    expect(reduced.schedules).toEqual(['']);
    expect(reduced.r).toMatchObject({ executions: 1, complete: 1, failures: 1, steps: 0 });
    expect(reduced.r.failure?.outcome).toMatchObject({ kind: 'oops', step: -1, thread: 1 });
  });

  it('inline assertions: both orders of the store buffer fail, on either side', () => {
    const { full, reduced } = expectLikeDfs(storeBuffering);
    expect(full.failures).toEqual(['violation saw-a by CPU1', 'violation saw-b by CPU0']);
    // The third CPU's store is independent of everything: plain DFS runs it at every place in
    // every order of the other two, DPOR at one.
    expect(reduced.r.complete).toBeLessThanOrEqual(full.r.complete / 3);
  });

  it('the step budget cuts spinning runs short in both explorers', () => {
    for (const maxSteps of [5, 7, 9]) {
      const { full } = expectLikeDfs(spinWait, { maxSteps });
      expect(full.failures).toEqual(['bound-reached  by CPU-']);
      expect(full.finals.length).toBeGreaterThan(0);
    }
  });
});

describe('sleep-set-blocked executions', () => {
  it('none with wakeup trees where source sets left some', () => {
    // Generated models (invariant at the end) where source sets alone left runs with every enabled
    // thread asleep: an unlock raced with the acquisition it let through (not reversible: the
    // acquisition cannot go first), a third thread's step ran before the reversed race, and an
    // acquisition already blocked was taken for one the failing step disabled.
    for (const seed of [86, 89, 105]) {
      const { reduced } = expectLikeDfs(randomModel(seed, false));
      expect(reduced.r.complete, `seed ${seed}`).toBeGreaterThan(3);
      expect(reduced.r.redundant, `seed ${seed}`).toBe(0);
    }
  });
});

describe('stopping at the first failure', () => {
  for (const [name, m] of [['behind a failure', behindFailure], ['store buffering', storeBuffering], ['SRCU', srcu(false)], ['lock ring', lockRing(false)]] as const) {
    it(`${name}: the last execution is the one failure reported`, () => {
      const o = observe(dpor, m, { stopAtFirst: undefined }); // the default: stop
      expect(o.r.failures).toBe(1);
      expect(o.failed.at(-1)).toBe(true);
      expect(o.failed.slice(0, -1).every((f) => !f)).toBe(true);
      expect(o.r.failure).toEqual(o.best);
      expect(o.r.complete).toBe(o.runs);
      const all = observe(dpor, m);
      expect(o.runs).toBeLessThanOrEqual(all.runs);
    });
  }
});

describe('a schedule prefix', () => {
  it('every execution starts with it, and the states after it are those plain DFS finds', () => {
    for (const prefix of [[0], [2, 0], [0, 0, 1]]) {
      const { reduced } = expectLikeDfs(messagePassing, { prefix });
      for (const s of reduced.schedules) expect(s.startsWith(prefix.join(''))).toBe(true);
    }
    // A prefix that runs past a failure stops where the run ended.
    const past = expectLikeDfs(behindFailure, { prefix: [0, 1, 1] });
    expect(past.reduced.schedules).toEqual(['0']);
    const { full, reduced } = expectLikeDfs(storeBuffering, { prefix: [1, 1] });
    // CPU1 has seen a = 0; CPU0 then sees b = 1. The run ends at that failing read, with CPU2's
    // store still to run: the cut-short rule runs it once before the read (which fails again).
    expect(full.failures).toEqual(['violation saw-b by CPU0']);
    expect(reduced.schedules).toEqual(['1100', '11020']);
  });
});

/**
 * The state a schedule prefix reaches, or null when the run has ended there: the variables' values
 * and, per live thread, its steps and what they read (a thread's locals are a function of those);
 * its step count is the sum of the threads' steps. (Models of `Var`s only.)
 */
function stateOf(m: Small, prefix: string): string | null {
  const run = new Run(m.model, none, m.scenario, { trace: true });
  for (const t of prefix) run.step(Number(t));
  if (run.outcome) return null;
  const vars = run.world.objects.filter((o): o is Var<unknown> => o instanceof Var).map((v) => String(v.value));
  const threads = Array.from({ length: run.threadCount }, (_, t) =>
    run.isAlive(t) ? (run.trace ?? []).filter((e) => e.thread === t).map((e) => `${e.label}${e.accesses.filter((a) => a.mode === 'read').map((a) => a.value)}`).join(';') : 'done');
  return `${vars.join(',')} | ${threads.join(' | ')}`;
}

/** Over the tree of the schedules (one search), the steps to a state some other step reached too. */
function repeatedStates(m: Small, schedules: readonly string[]): number {
  const edges = new Set(schedules.flatMap((s) => Array.from({ length: s.length }, (_, i) => s.slice(0, i + 1))));
  const states = [...edges].map((p) => stateOf(m, p)).filter((x): x is string => x !== null);
  return states.length - new Set(states).size;
}

// --- State invariants: what they read is learnt, and a pass that learns more is run again --------

const TOP = 10;

/**
 * CPU0 counts x up to TOP; CPU1 sets z (and, when `failing`, then fails an assertion); CPU2 sets y
 * and clears it. The invariant reads y only in a state where x is at TOP and z still 0, which a
 * random run reaches rarely (CPU0 must take TOP steps before CPU1 takes one), so the seeded random
 * runs that learn what invariants read do not see it, and the first DPOR pass learns it.
 */
function learntLate(failing: boolean): Small {
  return tiny((w) => ({ x: w.var('x', 0), z: w.var('z', 0), y: w.var('y', 0) }), [
    function* (s) {
      for (let i = 1; i <= TOP; i++) yield* s.x.write(i);
    },
    function* (s, t: Thread) {
      yield* s.z.write(1);
      if (failing) t.assert(false, 'always');
    },
    function* (s) {
      yield* s.y.write(1);
      yield* s.y.write(0);
    },
  ], { invariants: [{ name: 'y-clear-at-top', description: 'y is 0 when x is at the top before z is set', check: (s) => s.x.value !== TOP || s.z.value !== 0 || s.y.value === 0 }] });
}

/** Two writers of x and a writer of y; the invariant reads y whenever x is 1 (any random run sees that). */
const learntEarly = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0) }), [
  function* (s) {
    yield* s.x.write(1);
    yield* s.x.write(0);
  },
  function* (s) {
    yield* s.y.write(1);
    yield* s.y.write(0);
  },
  function* (s) {
    yield* s.x.write(2);
  },
], { invariants: [{ name: 'not-both', description: 'x and y are not both 1', check: (s) => s.x.value === 0 || !(s.x.value === 1 && s.y.value === 1) }] });

describe('DPOR with state invariants', () => {
  it('runs a pass again when it learnt a new object the invariant reads, and then finds the violation', () => {
    const m = learntLate(false);
    const full = observe(boundedDfs, m);
    const reduced = observe(dpor, m);
    const bare = observe(dpor, { ...m, model: withoutStateInvariants(m.model) });
    expect(full.failures).toEqual(['violation y-clear-at-top by CPU-']);
    expect(reduced.failures).toEqual(full.failures);
    // The invariant orders no step: each pass runs the executions of the model without it, and
    // the first pass (which learns the read of y) is cut short where it learnt it.
    expect(bare.failures).toEqual([]);
    expect(reduced.r.complete).toBeGreaterThan(bare.r.complete);
    expect(reduced.r.complete).toBeLessThan(2 * bare.r.complete + 1);
    expect(reduced.r.executions).toBe(reduced.r.complete + reduced.r.redundant);
    expect(reduced.r.failures).toBe(reduced.failing);
    expect(reduced.r.failure).toEqual(reduced.best);
    // The failure is a real run: it ends at the violation, every invariant checked on the way.
    const replayed = replaySchedule(m.model, [], m.scenario, reduced.r.failure?.schedule ?? [], false);
    expect(replayed.outcome).toMatchObject({ kind: 'violation', invariant: 'y-clear-at-top' });
    // Stopping at the first failure still needs the second pass to find it.
    const first = observe(dpor, m, { stopAtFirst: undefined });
    expect(first.r.failures).toBe(1);
    expect(first.failed.at(-1)).toBe(true);
  });

  it('stops at the first failure even when the pass that found it learnt something', () => {
    const o = observe(dpor, learntLate(true), { stopAtFirst: undefined }); // the default: stop
    // The first execution fails its assertion: nothing runs after it.
    expect(o.schedules).toEqual(['0'.repeat(TOP) + '1']);
    expect(o.r).toMatchObject({ executions: 1, complete: 1, redundant: 0, failures: 1 });
    expect(o.r.failure?.outcome).toMatchObject({ kind: 'violation', invariant: 'always', thread: 1 });
  });

  it('costs no reduction: the executions of the model without its state invariants, and the violation plain DFS finds', () => {
    const full = observe(boundedDfs, learntEarly);
    const reduced = observe(dpor, learntEarly);
    const bare = dpor(withoutStateInvariants(learntEarly.model), none, learntEarly.scenario, { stopAtFirst: false });
    expect(full.failures).toEqual(['violation not-both by CPU-']);
    expect(reduced.failures).toEqual(full.failures);
    expect(reduced.r.executions).toBe(bare.executions);
    expect(reduced.r.complete).toBe(bare.complete);
    expect(reduced.r.redundant).toBe(0);
    // Each failure reported is a run of its own beside the executions.
    expect(reduced.runs).toBe(bare.complete + reduced.failing);
    expect(reduced.r.failures).toBe(reduced.failing);
  });

  it('counts the state hits of every pass when asked, and only then', () => {
    const plain = dpor(learntEarly.model, none, learntEarly.scenario, { stopAtFirst: false });
    const counted = dpor(learntEarly.model, none, learntEarly.scenario, { stopAtFirst: false, countStates: true });
    const bare = dpor(withoutStateInvariants(learntEarly.model), none, learntEarly.scenario, { stopAtFirst: false, countStates: true });
    expect(plain).not.toHaveProperty('stateHits');
    expect(counted.stateHits).toBe(bare.stateHits);
    expect({ ...counted, stateHits: undefined }).toEqual({ ...plain, stateHits: undefined });
  });

  it('deadlocks in the learning runs and in the search', () => {
    const abba = tiny((w): Locked => ({ locks: [w.spinlock('a'), w.spinlock('b')], n: w.var('n', 0) }), [nested(0, 1), nested(1, 0)], {
      invariants: [{ name: 'n-small', description: 'n stays below 3', check: (s) => s.n.value < 3 }],
    });
    const full = observe(boundedDfs, abba);
    const reduced = observe(dpor, abba);
    expect(full.failures).toEqual(['deadlock  by CPU-']);
    expect(reduced.failures).toEqual(full.failures);
    expect(reduced.finals).toEqual(full.finals);
  });
});

describe('the result', () => {
  it('has exactly the counts, and a failure only when one was found', () => {
    const indep = tiny((w) => ({ x: w.var('x', 0), y: w.var('y', 0) }), [function* (s) { yield* s.x.write(1); }, function* (s) { yield* s.y.write(1); }]);
    expect(dpor(indep.model, none, indep.scenario)).toStrictEqual({ executions: 1, complete: 1, redundant: 0, steps: 2, failures: 0 });
    const r = dpor(behindFailure.model, none, behindFailure.scenario);
    expect(Object.keys(r).sort()).toEqual(['complete', 'executions', 'failure', 'failures', 'redundant', 'steps']);
  });
});

// --- One execution per Mazurkiewicz trace on generated programs of plain variables -------------

type Op = { readonly k: 'read' | 'write' | 'check'; readonly v: number };

/**
 * Threads of 2 to `maxOps` accesses of three variables each: reads, writes of what the thread read
 * so far, and with `checks` inline assertions that the variable read is not 1.
 */
function generated(seed: number, threads: number, maxOps: number, checks = false): Small {
  const rng = new Prng(seed);
  const kinds = checks ? (['read', 'write', 'check'] as const) : (['read', 'write'] as const);
  const program = (): Op[] => Array.from({ length: 2 + rng.below(maxOps - 1) }, () => ({ k: kinds[rng.below(kinds.length)] as Op['k'], v: rng.below(3) }));
  const programs = Array.from({ length: threads }, program);
  type S = { vars: Var<number>[] };
  return tiny((w): S => ({ vars: [w.var('v0', 0), w.var('v1', 0), w.var('v2', 0)] }), programs.map((ops) => function* (s: S, t: Thread) {
    let acc = 1;
    for (const op of ops) {
      const v = s.vars[op.v] as Var<number>;
      if (op.k === 'read') acc = (acc * 3 + (yield* v.read())) % 7;
      else if (op.k === 'check') t.assert((yield* v.read()) !== 1, `v${op.v}-not-1`);
      else yield* v.write(acc % 3);
    }
  }));
}

/**
 * The Mazurkiewicz trace of a schedule: its steps and, for each pair of steps of different threads
 * that touch one object, one of them writing, which comes first. Schedules with the same trace are
 * equivalent.
 */
function traceOf(m: Small, schedule: readonly number[]): string {
  const steps = (replaySchedule(m.model, [], m.scenario, schedule, true).trace ?? []).map((e, i, all) => ({ t: e.thread, k: all.slice(0, i).filter((f) => f.thread === e.thread).length, acc: e.accesses }));
  const edges = steps.map((a) => `${a.t}.${a.k}`);
  steps.forEach((a, i) => {
    for (const b of steps.slice(i + 1)) {
      if (a.t !== b.t && a.acc.some((x) => b.acc.some((y) => x.name === y.name && (x.mode === 'write' || y.mode === 'write')))) edges.push(`${a.t}.${a.k}<${b.t}.${b.k}`);
    }
  });
  return edges.sort().join(' ');
}

describe('one execution per Mazurkiewicz trace', () => {
  /** DPOR runs exactly one execution of every trace plain DFS runs (and, when `optimal`, abandons none). */
  const expectOnePerTrace = (m: Small, where: string, optimal: boolean) => {
    const dfs = observe(boundedDfs, m);
    const d = observe(dpor, m);
    const dfsTraces = new Set(dfs.schedules.map((s) => traceOf(m, [...s].map(Number))));
    const dporTraces = d.schedules.map((s) => traceOf(m, [...s].map(Number)));
    expect(new Set(dporTraces), where).toEqual(dfsTraces);
    expect(dporTraces, where).toHaveLength(dfsTraces.size);
    if (optimal) expect(d.r.redundant, where).toBe(0);
    expect(d.finals, where).toEqual(dfs.finals);
    expectCountsAddUp(d);
    return { dfs: dfs.runs, dpor: d.runs };
  };

  it('two threads of plain variables', () => {
    // With two threads the one initial of a reversed race is the other thread, which runs up to
    // the racing step and wakes the sleeping one there: source sets are optimal.
    let reduced = 0;
    let full = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const n = expectOnePerTrace(generated(seed, 2, 4), `seed ${seed}`, true);
      reduced += n.dpor;
      full += n.dfs;
    }
    expect(reduced).toBeLessThan(full / 2);
  });

  it('counts as state hits the steps that reach a state an earlier step reached', () => {
    // With no run abandoned, DPOR's steps are the edges of the tree of the reported schedules.
    let hits = 0;
    // (With state invariants DPOR counts the hits of the model without them: see above.)
    const bareEarly = { ...learntEarly, model: withoutStateInvariants(learntEarly.model) };
    for (const [where, m] of [...Array.from({ length: 12 }, (_, i) => [`seed ${i + 1}`, generated(i + 1, 2, 4)] as const), ['learnt early', bareEarly] as const]) {
      const d = observe(dpor, m, { countStates: true });
      expect(d.r.redundant, where).toBe(0);
      expect(d.r.stateHits, where).toBe(repeatedStates(m, d.schedules));
      hits += d.r.stateHits ?? 0;
    }
    expect(hits).toBeGreaterThan(0);
  });

  it('three threads of plain variables', () => {
    // With three threads source sets can leave a run sleep-set-blocked, but on these short
    // programs they do not: any backtrack point beyond one initial per race shows up as such a run.
    // (Sleep sets keep two complete executions out of one trace in any case.)
    for (let seed = 1; seed <= 16; seed++) expectOnePerTrace(generated(seed, 3, 3), `seed ${seed}`, true);
  });

  it('two lock sections that read what a third thread writes twice', () => {
    // The sections run in either order; each one's read lands before, between or after the two
    // writes, the earlier section's read no later than the other's: 2 x 6 = 12 traces. A waiting
    // acquisition races only with the writes of its lock, so no run is abandoned either.
    const section = function* (s: { v: Var<number>; a: Lock; b: Lock }): Steps {
      yield* s.a.lock();
      yield* s.v.read();
      yield* s.a.unlock();
    };
    const m = tiny((w) => ({ v: w.var('v', 0), u: w.var('u', 0), a: w.spinlock('a'), b: w.spinlock('b') }), [section, section, function* (s) {
      yield* s.v.write(1);
      yield* s.u.write(1);
      yield* s.v.write(2);
      yield* s.b.lock();
      yield* s.b.unlock();
    }]);
    expect(expectOnePerTrace(m, 'sections', true).dpor).toBe(12);
  });

  /** DPOR's executions: no two in one trace (sleep sets), and the counts add up. */
  const distinctTraces = (m: Small, where: string): Observed => {
    const d = observe(dpor, m);
    const traces = d.schedules.map((s) => traceOf(m, [...s].map(Number)));
    expect(new Set(traces).size, where).toBe(traces.length);
    expectCountsAddUp(d);
    return d;
  };

  it('four threads of two accesses: none abandoned either; with assertions, no trace twice', () => {
    // (Plain DFS would run 2520 schedules of each: only DPOR's own executions are checked.)
    for (let seed = 1; seed <= 60; seed += 3) expect(distinctTraces(generated(seed, 4, 2), `seed ${seed}`).r.redundant, `seed ${seed}`).toBe(0);
    for (let seed = 1; seed <= 60; seed += 4) distinctTraces(generated(seed, 4, 2, true), `seed ${seed}, assertions`);
  });

  it('three threads with inline assertions: the failures of plain DFS, no trace twice', () => {
    // Runs cut short by a failing assertion: the runs behind them take the deferred failing step
    // only when nothing else is left to run; otherwise they end sleep-set-blocked.
    let failing = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const m = generated(seed, 3, 3, true);
      const d = distinctTraces(m, `seed ${seed}`);
      const full = observe(boundedDfs, m);
      expect(d.failures, `seed ${seed}`).toEqual(full.failures);
      expect(d.finals, `seed ${seed}`).toEqual(full.finals);
      if (d.r.failures > 0) failing++;
    }
    expect(failing).toBeGreaterThan(10);
  });
});
