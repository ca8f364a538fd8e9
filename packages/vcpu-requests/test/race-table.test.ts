import { contextSwitches, hunt, renderRaceTable } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { vcpuRequests } from '../src/index.js';

describe('the race table of the buggy variant', () => {
  it('PCT at depth 2 finds the minimal race: the request and the failed kick fall between the check and the mode store', () => {
    const r = hunt(vcpuRequests, { fixes: [], seed: 1, runs: 1000, strategy: 'pct', pctDepth: 2, scenarios: [[['vcpu_run'], ['make_request_and_kick']]] });
    const cx = r.counterexample;
    expect(cx).toBeDefined();
    if (!cx) return;
    expect({ threads: cx.threads, operations: cx.operations, preemptions: cx.preemptions, switches: contextSwitches(cx.schedule) }).toEqual({
      threads: 2,
      operations: 2,
      preemptions: 1,
      switches: 2,
    });
    const table = renderRaceTable(vcpuRequests.name, 'buggy', cx);
    expect(table).toMatch(/kvm_request_pending/);
    expect(table).toMatchSnapshot();
  });
});
