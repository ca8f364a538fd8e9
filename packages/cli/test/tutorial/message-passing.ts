import { defineModel, violation, type Thread, type Var } from '@kvmrace/core';

interface State {
  readonly data: Var<number>;
  readonly ready: Var<boolean>;
  /** Ghost: what the consumer saw. */
  readonly seen: Array<readonly [boolean, number]>;
}

/** publish(): fill the data, then raise the flag; smp_wmb() keeps the two stores in order. */
function* publish(s: State, t: Thread) {
  yield* s.data.write(42, 'obj->data = 42');
  t.smp_wmb('publish');
  yield* s.ready.write(true, 'WRITE_ONCE(obj->ready, true)');
}

/** consume(): read the flag, then the data; smp_rmb() keeps the two loads in order. */
function* consume(s: State, t: Thread) {
  const ready = yield* s.ready.read('READ_ONCE(obj->ready)');
  t.smp_rmb('consume');
  const data = yield* s.data.read('obj->data');
  s.seen.push([ready, data]);
}

export default defineModel({
  name: 'message-passing',
  title: 'A flag that publishes data',
  summary: 'publish() fills obj->data then sets obj->ready; consume() must see the data once it sees the flag.',
  fixes: {},
  barriers: {
    'publish:smp_wmb': { summary: 'orders the data store before the flag store', pairsWith: ['consume:smp_rmb'] },
    'consume:smp_rmb': { summary: 'orders the flag load before the data load', pairsWith: ['publish:smp_wmb'] },
  },
  operations: {
    publish: { summary: 'data = 42; smp_wmb(); ready = true', kernel: 'publish()', run: publish },
    consume: { summary: 'if ready: read data', kernel: 'consume()', run: consume },
  },
  setup: (w) => ({ data: w.var('obj->data', 0), ready: w.var('obj->ready', false), seen: [] }),
  invariants: [
    {
      name: 'ready-means-data',
      description: 'a consumer that sees the flag sees the data',
      holds: (s) => (s.seen.every(([ready, data]) => !ready || data === 42) ? true : violation('consume() saw ready but not the data')),
    },
  ],
  scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'publish-vs-consume', threads: [['publish'], ['consume']] }] },
});
