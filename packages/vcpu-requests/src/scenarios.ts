import type { ScenarioSpace } from '@kvmrace/core';

/** The operation vocabulary. */
export type VcpuRequestsOperation = 'vcpu_run' | 'make_request_and_kick';

/** One vCPU thread running `vcpu_run` once; every other thread makes requests. */
function oneVcpu(threads: readonly (readonly VcpuRequestsOperation[])[]): boolean {
  const runs = threads.filter((ops) => ops.includes('vcpu_run'));
  return runs.length === 1 && runs[0]?.length === 1;
}

export const vcpuRequestsScenarios: ScenarioSpace<VcpuRequestsOperation> = {
  minThreads: 2,
  maxThreads: 3,
  maxOpsPerThread: 2,
  maxOps: 3,
  allowed: oneVcpu,
  catalogue: [
    { name: 'entry-vs-request', threads: [['vcpu_run'], ['make_request_and_kick']] },
    { name: 'entry-vs-two-requests', threads: [['vcpu_run'], ['make_request_and_kick', 'make_request_and_kick']] },
    { name: 'entry-vs-two-requesters', threads: [['vcpu_run'], ['make_request_and_kick'], ['make_request_and_kick']] },
  ],
};
