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

  // The Dekker pair (vcpu-requests.rst, "Ensuring Requests Are Seen"): the vCPU's mode store and
  // its request check against the requester's request store and mode read (the cmpxchg of
  // kvm_vcpu_exiting_guest_mode()). Store buffering, so each side needs a full barrier under the
  // LKMM (explanation.txt §13, SB+fencembonceonces: Never with both); a failed cmpxchg is an RMW
  // that smp_mb__before_atomic() orders, as in the LKMM's RMW set.
  it('lkmm: upstream keeps every wake-up with every barrier', () => {
    expect(outcomes(upstream, 'lkmm')['no-lost-wakeup']).toBeUndefined();
  });

  for (const barrier of [FULL, 'kvm_vcpu_exiting_guest_mode:smp_mb__before_atomic']) {
    it(`lkmm: without ${barrier} a wake-up is lost (store buffering)`, () => {
      expect(outcomes(upstream, 'lkmm', [barrier])['no-lost-wakeup']).toBeGreaterThan(0);
      expect(exploreWeak(vcpuRequests, upstream, scenario, { memory: 'lkmm', withoutBarriers: new Set([barrier]) }).failure?.weakEdges).toBeGreaterThan(0);
    });
  }

  // x86: srcu_read_unlock() is itself a full fence (srcutree.c's __srcu_read_unlock() begins with
  // smp_mb(), which is why smp_mb__after_srcu_read_unlock() is empty on x86), and the cmpxchg is a
  // locked instruction, failed or not: the Dekker pair holds under tso without either toggle.
  it('tso: upstream holds, also without either Dekker barrier', () => {
    expect(outcomes(upstream, 'tso')['no-lost-wakeup']).toBeUndefined();
    expect(outcomes(upstream, 'tso', [FULL, 'kvm_vcpu_exiting_guest_mode:smp_mb__before_atomic'])['no-lost-wakeup']).toBeUndefined();
  });
});
