// The ceiling for generator-based steps: the pfncache race [refresh] | [deactivate] written again as
// bare generators (one module-level generator function per thread, one `yield` per step the model
// takes, plain objects and arrays made fresh per run, the invariants as plain code), driven by a
// seeded xorshift random walk. It first checks that it is the same race (lockstep against the
// model: the same enabled threads before every step, the same outcome, length and final state, for
// every variant), then times it in one process against kvmrace's random walk, kvmrace's fast-check
// loop and fast-check's fc.scheduler() (the drivers of pfncache.bench.js, pfncache-engines.js),
// alternating rounds.
// Run after build: `pnpm --filter @kvmrace/bench bench:prototype`.
// BENCH_ROUNDS (default 5) rounds; CHECK_RUNS (default 20,000) lockstep runs per variant.
import { execute, RandomWalk, resolveVariant, Run } from '@kvmrace/core';
import { INITIAL_MMU_SEQ, KVM_PFN_ERR_FAULT, MAX_RETRY, pfncache } from '@kvmrace/pfncache';
import fc from 'fast-check';
import { PreemptionPoints } from '@kvmrace/properties';
import { FIXED, kvmraceThroughput, now, pfncacheSchedules, randomThroughput, SCENARIO, schedulerThroughput } from './pfncache-engines.js';

// ---------------------------------------------------------------- the prototype
// What a pending step needs to be enabled (the value a thread yields); DONE: the thread has ended.
const ANY = 0; // always enabled
const REFRESH_LOCK = 1; // mutex_lock(&gpc->refresh_lock): free
const GPC_WRITE = 2; // write_lock_irq(&gpc->lock): no writer, no reader
const GPC_LOCK = 3; // spin_lock(&kvm->gpc_lock): free
const DONE = -1;
const ERR = KVM_PFN_ERR_FAULT;
const EINVAL = -22;
const STEP_BUDGET = pfncache.stepBudget;

/** The model's setupPfncache(): the state after an invalidation (active, valid = 0, P/K kept and mapped). */
function newState(guarded, rework) {
  return {
    guarded, // deactivate-takes-refresh-lock (6addfcf27139)
    rework, // rework-refresh ([PATCH v12 20/20])
    refreshHolder: -1, // gpc->refresh_lock
    writer: -1, // gpc->lock: the writer, or -1
    readers: 0, // gpc->lock: read holds (no reader in this scenario)
    gpcLockHolder: -1, // kvm->gpc_lock
    active: true,
    valid: false,
    uhva: 'H',
    pfn: 'P',
    khva: 'K',
    onList: true, // kvm->gpc_list has gpc
    seq: INITIAL_MMU_SEQ, // kvm->mmu_invalidate_seq
    count: 0, // kvm->mn_active_invalidate_count
    primary: 'P', // primary(H)
    mapped: new Set(['K']),
    mapsMade: 0,
    outcome: null, // set by a thread's WARN_ON, or by the driver
  };
}

/** kvm_gpc_refresh() / __kvm_gpc_refresh() / hva_to_pfn_retry() (refresh.ts), one yield per step. */
function* refresh(s, tid) {
  const guarded = s.guarded;
  // guard(mutex) in kvm_gpc_refresh() with the fix, mutex_lock in __kvm_gpc_refresh() without: either way the first step.
  yield REFRESH_LOCK;
  s.refreshHolder = tid;
  yield GPC_WRITE;
  s.writer = tid;
  yield ANY; // if (!gpc->active) -EINVAL; old_pfn = gpc->pfn; old_khva = gpc->khva; gpc->valid?
  let ret = 0;
  let old_pfn = s.pfn;
  let old_khva = s.khva;
  let unmap_old = false;
  if (!s.active) {
    ret = EINVAL;
  } else if (s.valid) {
    // fast path
  } else if (!s.rework) {
    // hva_to_pfn_retry(), entered and left with gpc->lock held for write
    yield ANY; // gpc->valid = false
    s.valid = false;
    let new_pfn = ERR;
    let new_khva = null;
    for (let retries = 0; ; retries++) {
      yield ANY; // mmu_seq = kvm->mmu_invalidate_seq
      const mmu_seq = s.seq;
      yield ANY; // write_unlock_irq(&gpc->lock)
      s.writer = -1;
      if (new_pfn !== ERR && new_khva !== old_khva && new_khva !== null) {
        yield ANY; // gpc_unmap(new_pfn, new_khva)
        s.mapped.delete(new_khva);
      }
      yield ANY; // new_pfn = hva_to_pfn(uhva)
      new_pfn = s.primary;
      yield ANY; // if (new_pfn == gpc->pfn) new_khva = old_khva
      if (new_pfn === s.pfn) {
        new_khva = old_khva;
      } else {
        yield ANY; // new_khva = gpc_map(new_pfn)
        new_khva = `K${++s.mapsMade}`;
        s.mapped.add(new_khva);
      }
      yield GPC_WRITE;
      s.writer = tid;
      yield ANY; // WARN_ON_ONCE(gpc->valid); mmu_notifier_retry_cache(kvm, mmu_seq)
      if (s.valid) return warn(s);
      if (s.count === 0 && s.seq === mmu_seq) break;
      if (retries >= MAX_RETRY) return yield* giveUp(s, tid);
    }
    yield ANY; // gpc->valid = true; gpc->pfn = new_pfn; gpc->khva = new_khva
    s.valid = true;
    s.pfn = new_pfn;
    s.khva = new_khva;
    unmap_old = old_pfn !== s.pfn;
  } else {
    yield ANY; // gpc->valid = false; new_uhva = gpc->uhva
    s.valid = false;
    const new_uhva = s.uhva;
    yield ANY; // write_unlock_irq(&gpc->lock)
    s.writer = -1;
    // the reworked hva_to_pfn_retry(kvm, uhva, &pfn, &khva): no gpc->lock, always a new mapping
    let fresh_pfn;
    let fresh_khva;
    for (let retries = 0; ; retries++) {
      yield ANY; // mmu_seq = kvm->mmu_invalidate_seq
      const mmu_seq = s.seq;
      yield ANY; // new_pfn = hva_to_pfn(uhva)
      fresh_pfn = s.primary;
      yield ANY; // new_khva = gpc_map(new_pfn)
      fresh_khva = `K${++s.mapsMade}`;
      s.mapped.add(fresh_khva);
      yield ANY; // mmu_notifier_retry_cache(kvm, mmu_seq)
      if (s.count === 0 && s.seq === mmu_seq) break;
      yield ANY; // gpc_unmap(new_pfn, new_khva)
      s.mapped.delete(fresh_khva);
      if (retries >= MAX_RETRY) return yield* giveUp(s, tid);
    }
    yield GPC_WRITE;
    s.writer = tid;
    yield ANY; // WARN_ON_ONCE(gpc->valid); if (!gpc->active || gpc->uhva != new_uhva) discard new; else install new
    if (s.valid) return warn(s);
    if (!s.active || s.uhva !== new_uhva) {
      old_pfn = fresh_pfn;
      old_khva = fresh_khva;
    } else {
      old_pfn = s.pfn;
      old_khva = s.khva;
      s.pfn = fresh_pfn;
      s.khva = fresh_khva;
      s.valid = true;
    }
    unmap_old = old_pfn !== ERR;
  }
  yield ANY; // write_unlock_irq(&gpc->lock)
  s.writer = -1;
  if (!guarded) {
    yield ANY; // mutex_unlock(&gpc->refresh_lock)
    s.refreshHolder = -1;
  }
  if (unmap_old && old_pfn !== ERR && old_khva !== null) {
    yield ANY; // gpc_unmap(old_pfn, old_khva)
    s.mapped.delete(old_khva);
  }
  if (guarded) {
    yield ANY; // end of guard(mutex)(&gpc->refresh_lock)
    s.refreshHolder = -1;
  }
  return ret;
}

/** kvm_gpc_deactivate() (deactivate.ts). */
function* deactivate(s, tid) {
  const guarded = s.guarded;
  if (guarded) {
    yield REFRESH_LOCK; // guard(mutex)(&gpc->refresh_lock)
    s.refreshHolder = tid;
  }
  yield ANY; // if (gpc->active)
  if (s.active) {
    yield GPC_WRITE;
    s.writer = tid;
    yield ANY; // gpc->active = false; gpc->valid = false; old_khva = gpc->khva; gpc->khva = NULL; old_pfn = gpc->pfn; gpc->pfn = ERR
    const old_khva = s.khva;
    const old_pfn = s.pfn;
    s.active = false;
    s.valid = false;
    s.khva = null;
    s.pfn = ERR;
    yield ANY; // write_unlock_irq(&gpc->lock)
    s.writer = -1;
    yield GPC_LOCK;
    s.gpcLockHolder = tid;
    yield ANY; // list_del(&gpc->list)
    s.onList = false;
    yield ANY; // spin_unlock(&kvm->gpc_lock)
    s.gpcLockHolder = -1;
    if (old_pfn !== ERR && old_khva !== null) {
      yield ANY; // gpc_unmap(old_pfn, old_khva)
      s.mapped.delete(old_khva);
    }
  }
  if (guarded) {
    yield ANY; // end of the guard's scope
    s.refreshHolder = -1;
  }
}

/** host-mm.ts giveUp(): release the gpc locks held, then end the thread (GAVE_UP is not a failure). */
function* giveUp(s, tid) {
  if (s.writer === tid) {
    yield ANY;
    s.writer = -1;
  }
  if (s.refreshHolder === tid) {
    yield ANY;
    s.refreshHolder = -1;
  }
}

/** WARN_ON_ONCE(gpc->valid): ends the run. */
function warn(s) {
  s.outcome = 'warn';
}

/** I_E1 and I_E2 (invariants.ts), checked while gpc->lock is free: the failing name, or null. */
function violation(s) {
  if (s.writer !== -1 || s.readers !== 0 || !s.valid) return null;
  if (!s.active) return 'violation:I_E1';
  if (s.khva === null || !s.mapped.has(s.khva) || s.primary !== s.pfn) return 'violation:I_E2';
  return null;
}

/** True when a thread whose pending step is `need` can take it now. */
function canStep(s, need) {
  if (need === ANY) return true;
  if (need === REFRESH_LOCK) return s.refreshHolder === -1;
  if (need === GPC_WRITE) return s.writer === -1 && s.readers === 0;
  if (need === GPC_LOCK) return s.gpcLockHolder === -1;
  return false; // DONE
}

/** A fresh run: state, the two threads' generators, each advanced to its first step. */
function startRun(guarded, rework) {
  const s = newState(guarded, rework);
  const run = { s, gens: [refresh(s, 0), deactivate(s, 1)], pending: [DONE, DONE], live: 2, steps: 0 };
  advance(run, 0);
  advance(run, 1);
  return run;
}

/** Resumes a thread: the effect of its pending step, up to its next step. */
function advance(run, tid) {
  const r = run.gens[tid].next();
  if (r.done) {
    run.pending[tid] = DONE;
    run.live--;
  } else {
    run.pending[tid] = r.value;
  }
}

/** Fills `out` with the enabled threads in id order; returns how many. */
function enabledThreads(run, out) {
  const s = run.s;
  const pending = run.pending;
  let n = 0;
  for (let tid = 0; tid < pending.length; tid++) if (canStep(s, pending[tid])) out[n++] = tid;
  return n;
}

/** One step of `tid` (enabled), then the invariants, the end of the run, the step budget, as Run.take does. */
function protoStep(run, tid) {
  advance(run, tid);
  const s = run.s;
  const index = run.steps++;
  if (s.outcome !== null) return;
  const bad = violation(s);
  if (bad !== null) s.outcome = bad;
  else if (run.live === 0) s.outcome = 'ok';
  else if (index + 1 >= STEP_BUDGET) s.outcome = 'bound-reached';
}

/** xorshift32: a uniform integer in [0, n). */
function below(rng, n) {
  let x = rng.x;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  rng.x = x;
  return Math.floor(((x >>> 0) / 4294967296) * n);
}

/** One run under a uniform random walk (core's RandomWalk: no draw when one thread is enabled). */
function protoRandomRun(rng, guarded, rework) {
  const run = startRun(guarded, rework);
  const enabled = [0, 0];
  while (run.s.outcome === null) {
    const n = enabledThreads(run, enabled);
    if (n === 0) {
      run.s.outcome = 'deadlock';
      break;
    }
    protoStep(run, enabled[n === 1 ? 0 : below(rng, n)]);
  }
  return run;
}

/** The model's describePfncache() for the prototype's state. */
function describeProto(s) {
  return (
    `active=${Number(s.active)} valid=${Number(s.valid)} pfn=${s.pfn} khva=${s.khva ?? 'NULL'} ` +
    `mapped={${[...s.mapped].join(',')}} primary(H)=${s.primary} on gpc_list=${Number(s.onList)}`
  );
}

const outcomeKey = (o) => (o.kind === 'violation' ? `violation:${o.invariant}` : o.kind);
const flags = (variant) => {
  const fixes = new Set(resolveVariant(pfncache, variant).fixes);
  return { fixes, guarded: fixes.has('deactivate-takes-refresh-lock'), rework: fixes.has('rework-refresh') };
};
const tally = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
const show = (m) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k}: ${n}`).join(', ');

// ---------------------------------------------------------------- fidelity
// Lockstep: the model's Run and the prototype take the same random schedule; before every step
// both must have the same enabled threads, and at the end the same outcome, steps and state.
function lockstep(variant, runs, seed) {
  const { fixes, guarded, rework } = flags(variant);
  const rng = { x: seed };
  const a = [0, 0];
  const b = [0, 0];
  const outcomes = new Map();
  for (let i = 0; i < runs; i++) {
    const model = new Run(pfncache, fixes, SCENARIO);
    const proto = startRun(guarded, rework);
    const where = () => `${variant} run ${i} after ${model.steps} steps (schedule ${model.schedule.join('')})`;
    for (;;) {
      const mo = model.outcome === null ? null : outcomeKey(model.outcome);
      if (mo !== proto.s.outcome) throw new Error(`${where()}: outcome ${mo} vs prototype ${proto.s.outcome}`);
      if (mo !== null) break;
      const n = model.enabledThreads(a);
      const m = enabledThreads(proto, b);
      if (n !== m || a.slice(0, n).join() !== b.slice(0, m).join()) throw new Error(`${where()}: enabled ${a.slice(0, n)} vs prototype ${b.slice(0, m)}`);
      if (n === 0) {
        model.declareDeadlock();
        proto.s.outcome = 'deadlock';
        continue;
      }
      const tid = a[n === 1 ? 0 : below(rng, n)];
      model.step(tid);
      protoStep(proto, tid);
    }
    if (model.steps !== proto.steps) throw new Error(`${where()}: ${model.steps} steps vs prototype ${proto.steps}`);
    if (model.describeState() !== describeProto(proto.s)) throw new Error(`${where()}: state ${model.describeState()} vs prototype ${describeProto(proto.s)}`);
    tally(outcomes, proto.s.outcome);
  }
  return outcomes;
}

// Each engine's own random walk: steps per run (mean and histogram) and outcomes.
function walkStats(variant, runs, seed) {
  const { fixes, guarded, rework } = flags(variant);
  const strategy = new RandomWalk(seed);
  const rng = { x: seed };
  const model = { sum: 0, hist: new Map(), outcomes: new Map() };
  const proto = { sum: 0, hist: new Map(), outcomes: new Map() };
  for (let i = 0; i < runs; i++) {
    const e = execute(pfncache, fixes, SCENARIO, strategy);
    model.sum += e.schedule.length;
    tally(model.hist, e.schedule.length);
    tally(model.outcomes, outcomeKey(e.outcome));
    const r = protoRandomRun(rng, guarded, rework);
    proto.sum += r.steps;
    tally(proto.hist, r.steps);
    tally(proto.outcomes, r.s.outcome);
  }
  return { model, proto };
}

// ---------------------------------------------------------------- throughput
function protoThroughput(runs) {
  const { guarded, rework } = flags('all');
  const rng = { x: 1 };
  let steps = 0;
  const t = now();
  for (let i = 0; i < runs; i++) steps += protoRandomRun(rng, guarded, rework).steps;
  return steps / ((now() - t) / 1000);
}

/**
 * The prototype in kvmrace's place in the fast-check loop: the same schedule arbitrary, each value
 * interpreted by PreemptionPoints over the prototype's enabled threads. What any engine could do
 * inside fast-check's own loop with this race written as bare generators.
 */
function protoFastCheckThroughput(runs) {
  const { guarded, rework } = flags('all');
  const arbitrary = pfncacheSchedules(FIXED);
  const enabled = [0, 0];
  let steps = 0;
  const t = now();
  fc.check(
    fc.property(arbitrary, (data) => {
      const strategy = new PreemptionPoints(data);
      strategy.beginExecution(2);
      const run = startRun(guarded, rework);
      let last = -1;
      while (run.s.outcome === null) {
        const n = enabledThreads(run, enabled);
        if (n === 0) {
          run.s.outcome = 'deadlock';
          break;
        }
        last = strategy.pick(enabled, n, last, run.steps);
        protoStep(run, last);
      }
      steps += run.steps;
      return run.s.outcome === 'ok';
    }),
    { numRuns: runs, seed: 1 },
  );
  return steps / ((now() - t) / 1000);
}

// ---------------------------------------------------------------- run
const CHECK_RUNS = Number(process.env.CHECK_RUNS ?? 20_000);
console.log(`pfncache [refresh] | [deactivate]: bare generator prototype vs the model, node ${process.version}\n`);
for (const variant of ['all', 'buggy', 'upstream', 'rework']) {
  const outcomes = lockstep(variant, CHECK_RUNS, 7);
  console.log(`lockstep ${variant} (${resolveVariant(pfncache, variant).fixes.join(', ') || 'no fixes'}): ${CHECK_RUNS} runs identical (enabled threads before every step, outcome, steps, final state); ${show(outcomes)}`);
}
console.log('');
console.log('| variant | engine | mean steps/run | steps/run histogram | outcomes |');
console.log('|---|---|---|---|---|');
for (const variant of ['all', 'buggy']) {
  const w = walkStats(variant, CHECK_RUNS, 1);
  for (const [name, x] of [['model (RandomWalk)', w.model], ['prototype (xorshift)', w.proto]]) {
    console.log(`| ${variant} | ${name} | ${(x.sum / CHECK_RUNS).toFixed(3)} | ${show(x.hist)} | ${show(x.outcomes)} |`);
  }
}

// Warm up, then the best of ROUNDS alternating rounds. Runs per round: the bench's (20,000 in all,
// 2,000 for fc.scheduler()) and 200,000 in all for the prototype, so that every engine's round
// lasts a few tens of milliseconds (a best-of on a shared machine favours shorter rounds).
protoThroughput(20_000);
protoFastCheckThroughput(3000);
randomThroughput(3000);
kvmraceThroughput(3000);
await schedulerThroughput(300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const tp = { prototype: 0, protoFastCheck: 0, random: 0, kvmrace: 0, scheduler: 0 };
for (let r = 0; r < ROUNDS; r++) {
  tp.prototype = Math.max(tp.prototype, protoThroughput(Math.round(200_000 / ROUNDS)));
  tp.protoFastCheck = Math.max(tp.protoFastCheck, protoFastCheckThroughput(Math.round(100_000 / ROUNDS)));
  tp.random = Math.max(tp.random, randomThroughput(Math.round(20_000 / ROUNDS)));
  tp.kvmrace = Math.max(tp.kvmrace, kvmraceThroughput(Math.round(20_000 / ROUNDS)));
  tp.scheduler = Math.max(tp.scheduler, await schedulerThroughput(Math.round(2_000 / ROUNDS)));
}
console.log(`\nsteps/s on the fixed variant, best of ${ROUNDS} alternating rounds:\n`);
console.log('| engine | steps/s | : fc.scheduler() |');
console.log('|---|---|---|');
for (const [name, key] of [
  ['bare generator prototype (xorshift random walk)', 'prototype'],
  ['bare generator prototype in the fast-check loop (scheduleArbitrary + PreemptionPoints)', 'protoFastCheck'],
  ['kvmrace random walk (core RandomWalk)', 'random'],
  ['kvmrace fast-check loop (PreemptionPoints)', 'kvmrace'],
  ['fast-check fc.scheduler()', 'scheduler'],
]) {
  console.log(`| ${name} | ${Math.round(tp[key]).toLocaleString('en-US')} | ${(tp[key] / tp.scheduler).toFixed(1)}x |`);
}
console.log(`\nprototype : kvmrace random walk = ${(tp.prototype / tp.random).toFixed(1)}x; prototype : kvmrace fast-check loop = ${(tp.prototype / tp.kvmrace).toFixed(1)}x`);
