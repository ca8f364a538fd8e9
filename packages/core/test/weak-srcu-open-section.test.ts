import { describe, expect, it } from 'vitest';
import { defineModel, exploreWeak, type Srcu, type Thread, type Var } from '../src/index.js';

// A run that fails inside an SRCU read-side critical section is judged as if the section went on
// to its srcu_read_unlock(): the LKMM's RCU axioms only see matched pairs. The shape is RCU's
// deferred free without a dependency (litmus: P0 srcu_read_lock; r0 = READ_ONCE(p); r1 =
// READ_ONCE(f); srcu_read_unlock. P1 WRITE_ONCE(p, 0); synchronize_srcu; WRITE_ONCE(f, 1);
// exists (r0=1 /\ r1=1)), which `kvmrace litmus` (and herd7) say is Never: before the fix the
// reader oopsed on a stale p read after the whole grace period, its section still open.

interface S {
  srcu: Srcu;
  p: Var<number>;
  f: Var<number>;
}

const model = defineModel({
  name: 'srcu-open-section',
  title: 'a failure inside an SRCU section',
  summary: 'the reader oopses when it sees p still set and f set',
  fixes: { sync: { commit: '000000000000', summary: 'synchronize_srcu() between the two writes' } },
  operations: {
    reader: {
      summary: 'srcu_read_lock; r0 = p; r1 = f; srcu_read_unlock',
      kernel: 'reader()',
      *run(s: S, t: Thread<'sync'>) {
        yield* s.srcu.readLock();
        const r0 = yield* s.p.read();
        const r1 = yield* s.f.read();
        if (r0 === 1 && r1 === 1) t.oops('p still set after f');
        yield* s.srcu.readUnlock();
      },
    },
    updater: {
      summary: 'p = 0; synchronize_srcu; f = 1',
      kernel: 'updater()',
      *run(s: S, t: Thread<'sync'>) {
        yield* s.p.write(0);
        if (t.fixed('sync')) yield* s.srcu.synchronize();
        yield* s.f.write(1);
      },
    },
  },
  setup: (w) => ({ srcu: w.srcu('ss'), p: w.var('p', 1), f: w.var('f', 0) }),
  invariants: [],
  scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'r-u', threads: [['reader'], ['updater']] }] },
});

describe('a failure inside an open SRCU section', () => {
  for (const memory of ['lkmm', 'tso'] as const) {
    it(`${memory}: never with synchronize_srcu`, () => {
      const r = exploreWeak(model, new Set(['sync']), [['reader'], ['updater']], { memory, stateCaching: false });
      expect(r.failures).toBe(0);
      expect(r.consistent).toBeGreaterThan(0);
    });
  }
  it('lkmm: found without it', () => {
    expect(exploreWeak(model, new Set(), [['reader'], ['updater']], { memory: 'lkmm', stateCaching: false }).failure?.outcome.message).toBe('p still set after f');
  });
});
