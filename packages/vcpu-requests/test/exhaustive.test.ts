import { verify } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { vcpuRequests } from '../src/index.js';
import { CLAIMED, exhaustiveHolds, pctHolds } from './fixed-checks.js';

describe('vcpu-requests under sc, every interleaving of the catalogue', () => {
  it('upstream (IN_GUEST_MODE stored before the last request check) holds', () => {
    exhaustiveHolds.run(vcpuRequests.upstreamFixes);
  });

  it('upstream survives 20,000 PCT schedules', () => {
    pctHolds.run(vcpuRequests.upstreamFixes);
  });

  it('buggy (the check before the store) loses a wake-up with 2 threads and 1 preemption', () => {
    const r = verify(vcpuRequests, { fixes: [], scenarios: CLAIMED, minimal: true });
    expect(r.verdict).toBe('violated');
    expect(r.counterexample?.outcome).toMatchObject({ kind: 'violation', invariant: 'no-lost-wakeup' });
    expect({ threads: r.counterexample?.threads, preemptions: r.counterexample?.preemptions }).toEqual({ threads: 2, preemptions: 1 });
  });
});
