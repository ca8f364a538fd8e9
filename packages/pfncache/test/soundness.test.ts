import { boundedDfs, dpor, verify, type AnyModel, type Run, type Scenario } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { PFNCACHE_CATALOGUE, pfncache } from '../src/index.js';
import { BLIND } from './fixed-checks.js';

// Issue #11, soundness cross-check: DPOR (core's `dpor`, every interleaving up to its reduction)
// against plain enumeration of every schedule without any reduction (core's `boundedDfs` with no
// preemption bound, the reference core's own explore-dpor.test.ts uses), on pfncache's buggy and
// fixed variants. What must agree:
// - whether any execution fails, and the verdict `verify` (whatever engine it picks) gives;
// - every failure DPOR reports is one plain enumeration finds;
// - with the invariants off (blind), the final states, failures and their kinds; with them on,
//   DPOR runs the model without them and checks them at every state of every trace (core's
//   cut-invariants.ts), so its executions end as plain enumeration's of the blind model, and it
//   finds the invariants plain enumeration finds broken.
// Not the full final state of a violating execution: a run stops at the first state that breaks
// an invariant, and where the other threads' steps that no invariant reads (kvm->gpc_lock,
// list_del from gpc_list) happen to be at that moment depends on the schedule. DPOR keeps one
// representative of those orders, plain enumeration sees them all: on buggy refresh-vs-deactivate
// plain finds 6 distinct violating states, DPOR 4, and the 2 extra ones differ from DPOR's only
// in `on gpc_list` (deactivate's list_del already done, its unmap not yet). So for violations the
// test checks DPOR's states are among plain's, and that the two agree once `on gpc_list` is
// dropped (I_E1 and I_E2 read active, valid, pfn, khva, mapped and primary(H), never gpc_list).
//
// Which scenarios: plain enumeration is exponential, so only those it finishes in seconds. With an
// invalidate thread it does not (buggy refresh-vs-invalidate: 3,480,113 plain executions, 390 s);
// nor do buggy use-vs-deactivate-activate (3,866,606) or, in the default run, buggy
// refresh-vs-deactivate-activate (151,538 executions, about 20 s: set KVMRACE_SOUNDNESS_SLOW=1).
// The blind model (invariants off, as oops.test.ts uses it) runs every execution to its end, so
// there the full final states, oopses and WARNs included, must be equal.

const SLOW = process.env.KVMRACE_SOUNDNESS_SLOW === '1';
const scenarioOf = (name: string): Scenario => PFNCACHE_CATALOGUE.find((s) => s.name === name)?.threads ?? [];

interface Seen {
  executions: number;
  /** Executions that ended without a failure: kind and final state. */
  readonly endings: Set<string>;
  /** Failing executions: kind, invariant, message and final state. */
  readonly failures: Set<string>;
  /** Failing executions with `on gpc_list` dropped from the state. */
  readonly projected: Set<string>;
  /** Failing executions: kind and invariant. */
  readonly kinds: Set<string>;
}

function enumerate(model: AnyModel, fixes: readonly string[], scenario: Scenario, reduce: boolean): Seen {
  const seen: Seen = { executions: 0, endings: new Set(), failures: new Set(), projected: new Set(), kinds: new Set() };
  const onExecution = (run: Run) => {
    const o = run.outcome;
    if (!o) throw new Error('the run has not ended');
    const state = run.describeState() ?? '';
    if (o.kind === 'ok') {
      seen.endings.add(`${o.kind} | ${state}`);
      return;
    }
    const what = `${o.kind} ${o.invariant ?? '-'} ${o.message ?? ''}`;
    seen.failures.add(`${what} | ${state}`);
    seen.projected.add(`${what} | ${state.replace(/ on gpc_list=\d/, '')}`);
    seen.kinds.add(`${o.kind} ${o.invariant ?? '-'}`);
  };
  const options = { stopAtFirst: false, onExecution };
  const r = reduce ? dpor(model, new Set(fixes), scenario, options) : boundedDfs(model, new Set(fixes), scenario, options);
  seen.executions = r.executions;
  return seen;
}

const sorted = (s: ReadonlySet<string>) => [...s].sort();

// [invariants off, variant, scenario, plain executions (pinned), DPOR executions (measured when written;
// the explorer may change)].
const CASES: ReadonlyArray<readonly [blind: boolean, variant: 'buggy' | 'fixed', scenario: string, plain: number, dporThen: number]> = [
  [false, 'buggy', 'refresh-vs-deactivate', 13_433, 67],
  [false, 'fixed', 'refresh-vs-deactivate', 2, 2],
  [false, 'fixed', 'refresh-vs-deactivate-activate', 3, 3],
  [false, 'fixed', 'use-vs-deactivate-activate', 801, 57],
  [true, 'buggy', 'refresh-vs-deactivate', 21_652, 23],
  [true, 'fixed', 'refresh-vs-deactivate', 2, 2],
  [true, 'fixed', 'use-vs-deactivate-activate', 801, 35],
  ...(SLOW
    ? ([
        [false, 'buggy', 'refresh-vs-deactivate-activate', 151_538, 264],
        [true, 'buggy', 'refresh-vs-deactivate-activate', 622_268, 160],
      ] as const)
    : []),
];

describe('DPOR against plain enumeration (no reduction) on pfncache', () => {
  it.each(CASES)('blind=%s %s %s: plain %i executions, DPOR %i when written', (blind, variant, name, plainExecutions) => {
    const model = blind ? BLIND : pfncache;
    const fixes = variant === 'fixed' ? pfncache.fixNames : [];
    const scenario = scenarioOf(name);
    const plain = enumerate(model, fixes, scenario, false);
    const reduced = enumerate(model, fixes, scenario, true);
    expect(plain.executions).toBe(plainExecutions);
    expect(reduced.executions).toBeLessThanOrEqual(plain.executions);
    // A failure iff plain finds one, and verify agrees.
    expect(reduced.failures.size > 0).toBe(plain.failures.size > 0);
    expect(verify(model, { fixes, scenarios: [scenario] }).verdict).toBe(plain.failures.size > 0 ? 'violated' : 'holds');
    // DPOR's failures are real: each is one plain enumeration finds.
    for (const f of reduced.failures) expect(plain.failures.has(f), f).toBe(true);
    if (blind) {
      // Nothing cut short by an invariant: the same final states, failures and kinds.
      expect(sorted(reduced.endings)).toEqual(sorted(plain.endings));
      expect(sorted(reduced.failures)).toEqual(sorted(plain.failures));
      expect(sorted(reduced.kinds)).toEqual(sorted(plain.kinds));
      return;
    }
    // The invariants order no step: DPOR runs the model without them (every execution to its
    // end, as blind) and checks them at every state of every trace. So its executions end as
    // plain enumeration's of the blind model, and the violations it finds are of the invariants
    // plain enumeration finds broken, once gpc_list is dropped among the same states.
    const bare = enumerate(BLIND, fixes, scenario, false);
    const invariantFailure = (f: string) => /^violation I_E/.test(f);
    expect(sorted(reduced.endings)).toEqual(sorted(bare.endings));
    expect([...reduced.failures].filter((f) => !invariantFailure(f)).sort()).toEqual(sorted(bare.failures));
    expect([...reduced.kinds].filter(invariantFailure).sort()).toEqual([...plain.kinds].filter(invariantFailure).sort());
    for (const f of reduced.projected) if (invariantFailure(f)) expect(plain.projected.has(f), f).toBe(true);
  });

  it('the default cases cover a violating and a clean variant (with the invariants off, oopses and WARNs need the slow cases)', () => {
    const buggy = enumerate(pfncache, [], scenarioOf('refresh-vs-deactivate'), true);
    expect(sorted(buggy.kinds)).toEqual(['violation I_E1']);
    expect(buggy.endings.size).toBeGreaterThan(0);
    const fixed = enumerate(pfncache, pfncache.fixNames, scenarioOf('use-vs-deactivate-activate'), true);
    expect(fixed.failures.size).toBe(0);
    expect(fixed.endings.size).toBeGreaterThan(1);
  });
});
