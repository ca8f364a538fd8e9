import { defineModel, type Counter, type Lock, type Thread } from '@kvmrace/core';

/** Shared state: a counter, the lock that should guard it, and how many increments finished. */
export interface LostUpdateState {
  /** `counter_lock`. */
  readonly lock: Lock;
  /** The shared counter. */
  readonly counter: Counter;
  /** Ghost: increments that have completed (not shared memory, just bookkeeping). */
  done: number;
}

/** `counter++` done as a read then a write, under `counter_lock` only with the fix. */
function* increment(s: LostUpdateState, t: Thread<'take-lock'>) {
  if (t.fixed('take-lock')) yield* s.lock.lock();
  const v = yield* s.counter.read();
  yield* s.counter.write(v + 1);
  if (t.fixed('take-lock')) yield* s.lock.unlock();
  s.done++;
}

/**
 * Two CPUs increment a shared counter with a load and a store. Without the lock, both can load
 * the same value and one increment is lost: the smallest race there is.
 */
export const lostUpdate = defineModel({
  name: 'lost-update',
  title: 'Lost update on a shared counter',
  summary: 'Two CPUs run counter = counter + 1 as a load and a store; without counter_lock one increment is lost.',
  fixes: {
    'take-lock': { commit: '000000000000', summary: 'hold counter_lock across the load and the store' },
  },
  operations: {
    increment: { summary: 'counter = counter + 1 (a load, then a store)', kernel: 'counter_inc()', run: increment },
  },
  setup: (w) => ({ lock: w.spinlock('counter_lock'), counter: w.counter('counter'), done: 0 }),
  invariants: [
    {
      name: 'no-lost-update',
      description: 'when every increment has finished, the counter equals their number',
      at: 'end',
      check: (s) => s.counter.value === s.done || `counter is ${s.counter.value} after ${s.done} increments`,
    },
  ],
  scenarios: {
    minThreads: 1,
    maxThreads: 3,
    maxOpsPerThread: 2,
    maxOps: 4,
    catalogue: [{ name: 'two-increments', threads: [['increment'], ['increment']] }],
  },
  describeState: (s) => `counter=${s.counter.value}, increments=${s.done}`,
});
