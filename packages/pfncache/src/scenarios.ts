import type { NamedScenario, ScenarioSpace } from '@kvmrace/core';

/** The operations of the pfncache model. */
export type PfncacheOp = 'refresh' | 'deactivate' | 'activate' | 'check_and_use' | 'invalidate';

/** Operations that the caller serializes (kvm->arch.xen.xen_lock or vcpu->mutex): one thread runs them all. */
const SERIALIZED_BY_CALLER: readonly PfncacheOp[] = ['activate', 'deactivate'];

/** Hand-written bounded scenarios, smallest first. */
export const PFNCACHE_CATALOGUE: readonly NamedScenario<PfncacheOp>[] = [
  { name: 'refresh-vs-deactivate', threads: [['refresh'], ['deactivate']] },
  { name: 'refresh-vs-invalidate', threads: [['refresh'], ['invalidate']] },
  { name: 'use-vs-invalidate', threads: [['check_and_use'], ['invalidate']] },
  { name: 'refresh-vs-deactivate-vs-invalidate', threads: [['refresh'], ['deactivate'], ['invalidate']] },
  { name: 'refresh-vs-deactivate-activate', threads: [['refresh'], ['deactivate', 'activate']] },
  { name: 'use-vs-deactivate-activate', threads: [['check_and_use'], ['deactivate', 'activate']] },
  { name: 'use-vs-deactivate-activate-vs-invalidate', threads: [['check_and_use'], ['deactivate', 'activate'], ['invalidate']] },
];

/** What scenarios generators may build: up to 3 threads, 5 operations; activate/deactivate in one thread only. */
export const PFNCACHE_SCENARIOS: ScenarioSpace<PfncacheOp> = {
  minThreads: 1,
  maxThreads: 3,
  maxOpsPerThread: 3,
  maxOps: 5,
  catalogue: PFNCACHE_CATALOGUE,
  allowed: (threads) => threads.filter((ops) => ops.some((op) => SERIALIZED_BY_CALLER.includes(op))).length <= 1,
};
