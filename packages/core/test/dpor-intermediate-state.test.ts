import { describe, expect, it } from 'vitest';
import { boundedDfs, dpor, type Run, type Var } from '../src/index.js';
import { tiny } from './fixtures/harness.js';

// Issue 24 item 4: a state invariant observes states, it orders no steps. Here the only bad state
// is an intermediate one that DPOR's one explored interleaving does not pass through: the two
// threads touch different variables, so DPOR runs one execution (x set and cleared, then y), yet
// both flags are up together only when the other thread runs in between. The invariant must
// still be found broken: cut-invariants.ts checks every consistent cut of the trace explored.

const none = new Set<string>();
type Flags = { x: Var<number>; y: Var<number> };
const flag = (k: keyof Flags) =>
  function* (s: Flags) {
    yield* s[k].write(1);
    yield* s[k].write(0);
  };
const model = (at: 'always' | 'end') =>
  tiny((w): Flags => ({ x: w.var('x', 0), y: w.var('y', 0) }), [flag('x'), flag('y')], {
    invariants: [{ name: 'not-both', description: 'x and y are never both set', at, check: (s) => !(s.x.value === 1 && s.y.value === 1) }],
  });

describe('DPOR and a violation seen only in an intermediate state', () => {
  it('checked at the end: one execution, and it holds', () => {
    const m = model('end');
    const r = dpor(m.model, none, m.scenario, { stopAtFirst: false });
    expect(r).toMatchObject({ executions: 1, complete: 1, redundant: 0, failures: 0 });
  });

  it('checked after every step: still one execution, and the violation plain DFS finds', () => {
    const m = model('always');
    const full = boundedDfs(m.model, none, m.scenario, { stopAtFirst: false });
    expect(full.failures).toBeGreaterThan(0);
    const failing: string[] = [];
    const onExecution = (run: Run) => {
      if (run.outcome?.kind === 'violation') failing.push(run.schedule.join(''));
    };
    const r = dpor(m.model, none, m.scenario, { stopAtFirst: false, onExecution });
    expect(r.complete).toBe(1);
    expect(r.redundant).toBe(0);
    expect(r.failure?.outcome).toMatchObject({ kind: 'violation', invariant: 'not-both' });
    // The run reported goes through the bad state: one flag set, then the other.
    expect(failing.length).toBeGreaterThan(0);
    for (const s of failing) expect(['01', '10']).toContain(s);
  });
});

describe('DPOR and an invariant over a ghost array', () => {
  // A seqcount reader that forgets to retry (examples/seqcount-reader.ts, cut down): the reader's
  // last step pushes the pair it read into a plain array of the state. That push is a ghost write
  // (footprint.ts), and the invariant's reads of the array's entries make it visible
  // (visibility.ts): otherwise no state after the push would be checked and the torn pair missed.
  type Pair = { lo: Var<number>; hi: Var<number>; seen: Array<[number, number]> };
  const m = tiny((w): Pair => ({ lo: w.var('lo', 0), hi: w.var('hi', 0), seen: [] }), [
    function* (s) {
      const lo = yield* s.lo.read();
      const hi = yield* s.hi.read();
      s.seen.push([lo, hi]);
    },
    function* (s) {
      yield* s.lo.write(1);
      yield* s.hi.write(1);
    },
  ], { invariants: [{ name: 'no-torn-read', description: 'every pair read has equal halves', check: (s) => s.seen.every(([lo, hi]) => lo === hi) }] });

  it('finds the torn pair plain DFS finds', () => {
    const full = boundedDfs(m.model, none, m.scenario, { stopAtFirst: false });
    expect(full.failure?.outcome).toMatchObject({ kind: 'violation', invariant: 'no-torn-read' });
    const r = dpor(m.model, none, m.scenario, { stopAtFirst: false });
    expect(r.failure?.outcome).toMatchObject({ kind: 'violation', invariant: 'no-torn-read' });
    expect(r.redundant).toBe(0);
  });
});
