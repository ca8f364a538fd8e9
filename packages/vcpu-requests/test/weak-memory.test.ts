import { boundedDfs, exploreWeak, modelBarriers, type Outcome } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { vcpuRequests } from '../src/index.js';

// The Dekker pair and the message-passing pair of vcpu-requests.rst under each memory model, on
// the smallest scenario (the weak explorer has no reduction yet). Expected shapes:
// tools/memory-model/Documentation/explanation.txt §13 (SB needs a strong fence on both sides;
// MP needs smp_wmb and a read-side barrier under the LKMM, nothing under x86-TSO).
const scenario = [['vcpu_run'], ['make_request_and_kick']];
const upstream = new Set(vcpuRequests.upstreamFixes);
const FULL = 'vcpu_enter_guest:smp_mb__after_srcu_read_unlock';

/** How many consistent executions end in each outcome (`ok`, or the broken invariant's name). */
function outcomes(fixes: ReadonlySet<string>, memory: 'tso' | 'lkmm', off: readonly string[] = []): Record<string, number> {
  const counts: Record<string, number> = {};
  exploreWeak(vcpuRequests, fixes, scenario, {
    memory,
    withoutBarriers: new Set(off),
    onExecution: (run) => {
      const o = run.outcome as Outcome;
      const key = o.kind === 'violation' ? (o.invariant ?? 'violation') : o.kind;
      counts[key] = (counts[key] ?? 0) + 1;
    },
  });
  return counts;
}

describe('vcpu-requests under weak memory', () => {
  it('declares the five barriers on the path, with their pairings', () => {
    const barriers = modelBarriers(vcpuRequests);
    expect(barriers.map((b) => b.name)).toEqual([FULL, 'kvm_vcpu_exiting_guest_mode:smp_mb__before_atomic', 'kvm_make_request:smp_wmb', 'kvm_check_request:smp_mb__after_atomic', 'vcpu_enter_guest:smp_wmb']);
    expect(barriers[0]?.pairsWith).toEqual(['kvm_vcpu_exiting_guest_mode:smp_mb__before_atomic']);
  });

  it('sc: upstream holds on every interleaving, buggy does not', () => {
    expect(boundedDfs(vcpuRequests, upstream, scenario, { stopAtFirst: false }).failures).toBe(0);
    expect(boundedDfs(vcpuRequests, new Set(), scenario).failure?.outcome.invariant).toBe('no-lost-wakeup');
  });

  for (const memory of ['tso', 'lkmm'] as const) {
    it(`${memory}: buggy is still found`, () => {
      const r = exploreWeak(vcpuRequests, new Set(), scenario, { memory });
      expect(r.failure?.outcome.invariant).toBe('no-lost-wakeup');
      expect(r.consistent).toBeGreaterThan(0);
    });
  }

  it('lkmm: without smp_wmb in kvm_make_request the handler reads the request\'s state stale (MP)', () => {
    expect(outcomes(upstream, 'lkmm', ['kvm_make_request:smp_wmb'])['request-state-seen']).toBeGreaterThan(0);
  });

  it('lkmm: with both MP barriers the request\'s state is always seen; tso needs neither', () => {
    expect(outcomes(upstream, 'lkmm')['request-state-seen']).toBeUndefined();
    expect(outcomes(upstream, 'tso', ['kvm_make_request:smp_wmb', 'kvm_check_request:smp_mb__after_atomic'])['request-state-seen']).toBeUndefined();
  });

  // Finding (README, "Under weak memory"): with every barrier the engine still loses a wake-up
  // under lkmm, and only where kvm_vcpu_exiting_guest_mode()'s cmpxchg fails: core's failed
  // cmpxchg is a read without the RMW tag, so smp_mb__before_atomic() orders nothing before it
  // and the requester side of the Dekker pattern is unfenced. Removing the vCPU side's full
  // barrier adds lost wake-ups the failed-cmpxchg hole alone does not allow.
  it('lkmm: upstream loses a wake-up (a weak execution), and more executions do without the full barrier', () => {
    const all = outcomes(upstream, 'lkmm');
    const noFull = outcomes(upstream, 'lkmm', [FULL]);
    expect(all['no-lost-wakeup']).toBeGreaterThan(0);
    expect(noFull['no-lost-wakeup']).toBeGreaterThan(all['no-lost-wakeup'] ?? 0);
    const r = exploreWeak(vcpuRequests, upstream, scenario, { memory: 'lkmm' });
    expect(r.failure?.weakEdges).toBeGreaterThan(0);
  });

  // Finding (README): under tso the engine maps srcu_read_unlock() to a plain store and
  // smp_mb__after_srcu_read_unlock() to nothing, while x86's __srcu_read_unlock() (srcutree.c)
  // starts with smp_mb(): the toggle changes nothing and the vCPU side is unfenced.
  it('tso: the full-barrier toggle changes nothing (srcu_read_unlock is not an mfence in the engine)', () => {
    const all = outcomes(upstream, 'tso');
    expect(all['no-lost-wakeup']).toBeGreaterThan(0);
    expect(outcomes(upstream, 'tso', [FULL])).toEqual(all);
  });
});
