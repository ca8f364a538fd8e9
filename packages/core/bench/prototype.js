// The baseline of the steps/s bench: a bare generator scheduler of the kind the issue's "125-line
// prototype" is, with nothing but what the bench's two models need: threads as generators that
// yield one step each, a spinlock and a mutex whose acquire is disabled while held, variables, a
// random walk over the enabled threads (the same xoshiro128** PRNG), and the models' invariants.
// No footprints, traces, outcomes, budget, IPIs or model API: kvmrace's engine does all of those,
// so the ratio kvmrace : prototype says what the product costs over the bare idea.
import { Prng } from '../dist/prng.js';

class Lock {
  constructor() {
    this.holder = -1;
  }
}
class Var {
  constructor(value) {
    this.value = value;
  }
}
// A step: kind 0 = plain (always enabled), 1 = acquire `lock`.
const PLAIN = { kind: 0, lock: null };
const acquireStep = (lock) => ({ kind: 1, lock });

function* lock(l, tid, acq) {
  yield acq;
  l.holder = tid;
}
function* unlock(l) {
  yield PLAIN;
  l.holder = -1;
}
function* read(v) {
  yield PLAIN;
  return v.value;
}
function* write(v, x) {
  yield PLAIN;
  v.value = x;
}

function* incrementThread(counter, s, perThread) {
  for (let k = 0; k < perThread; k++) {
    const v = yield* read(counter);
    yield* write(counter, v + 1);
    s.done++;
  }
}

/** Lost update: `counter = counter + 1` as a load and a store, `perThread` times per thread. */
export function lostUpdate(threads, perThread) {
  return () => {
    const counter = new Var(0);
    const s = { done: 0 };
    const gens = [];
    for (let t = 0; t < threads; t++) gens.push(incrementThread(counter, s, perThread));
    return { gens, always: null, atEnd: () => counter.value === s.done };
  };
}

function* workThread(t, { a, b, c, qa, qb, qc, x, y, z }) {
  for (let i = 0; i < 2; i++) {
    yield* lock(a, t, qa);
    const xv = yield* read(x);
    yield* write(x, xv + 1);
    yield* lock(b, t, qb);
    yield* write(y, (yield* read(y)) + 1);
    yield* unlock(b);
    yield* unlock(a);
    yield* lock(c, t, qc);
    const yv = yield* read(y);
    yield* write(z, xv + yv);
    yield* unlock(c);
  }
}

/** Four threads, three locks in lock order (the bench's "4 threads, 3 locks" model). */
export function fourThree() {
  return () => {
    const a = new Lock();
    const b = new Lock();
    const c = new Lock();
    const [qa, qb, qc] = [acquireStep(a), acquireStep(b), acquireStep(c)];
    const x = new Var(0);
    const y = new Var(0);
    const z = new Var(0);
    const gens = [];
    for (let t = 0; t < 4; t++) gens.push(workThread(t, { a, b, c, qa, qb, qc, x, y, z }));
    return { gens, always: () => b.holder === -1 || a.holder === b.holder, atEnd: () => x.value === y.value };
  };
}

/** Runs one execution under a random walk; returns its step count. */
export function runOnce(make, rng) {
  const { gens, always, atEnd } = make();
  const n = gens.length;
  const pending = new Array(n);
  for (let t = 0; t < n; t++) {
    const r = gens[t].next();
    pending[t] = r.done ? null : r.value;
  }
  const enabled = new Array(n);
  let steps = 0;
  for (;;) {
    let count = 0;
    for (let t = 0; t < n; t++) {
      const p = pending[t];
      if (p !== null && (p.kind === 0 || p.lock.holder === -1)) enabled[count++] = t;
    }
    if (count === 0) break; // done (or deadlocked: the bench's models never are)
    const tid = enabled[count === 1 ? 0 : rng.below(count)];
    const r = gens[tid].next();
    pending[tid] = r.done ? null : r.value;
    steps++;
    if (always !== null && !always()) break;
  }
  atEnd();
  return steps;
}

/** The prototype's versions of the bench's models, by the bench's row names. */
export const prototypeModels = {
  'lost-update, 2 threads': lostUpdate(2, 1),
  'lost-update, 3x2 ops': lostUpdate(3, 2),
  '4 threads, 3 locks': fourThree(),
};

/** Runs executions for about `ms`; returns steps per second. */
export function measurePrototype(make, ms) {
  const rng = new Prng(1);
  let steps = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 200; i++) steps += runOnce(make, rng);
    now = process.hrtime.bigint();
  }
  return steps / (Number(now - start) / 1e9);
}
