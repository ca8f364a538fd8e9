import type { InvariantSpec } from '@kvmrace/core';
import type { PfncacheState } from './state.js';

/** Checked whenever `gpc->lock` is free (a holder may be half-way through an update). */
const lockFree = (s: PfncacheState): boolean => s.gpc.lock.isFree;

/** I_E1 and I_E2 of PROTOCOLS.md section E; the oops on an unmapped khva is raised by `check_and_use`. */
export const PFNCACHE_INVARIANTS: readonly InvariantSpec<PfncacheState>[] = [
  {
    name: 'I_E1',
    description: 'gpc->valid implies gpc->active (a valid cache is on gpc_list, so mmu-notifier events reach it)',
    when: lockFree,
    check: (s) => !s.gpc.valid.value || s.gpc.active.value || 'gpc->valid = 1 but gpc->active = 0: a valid cache that mmu-notifier events no longer reach',
  },
  {
    name: 'I_E2',
    description: 'gpc->valid implies mapped[gpc->khva] and primary(gpc->uhva) == gpc->pfn (no dangling or stale mapping)',
    when: lockFree,
    check: (s) => {
      const g = s.gpc;
      if (!g.valid.value) return true;
      const khva = g.khva.value;
      if (khva === null || !s.mapped.value.includes(khva)) return `gpc->valid = 1 but gpc->khva = ${khva ?? 'NULL'} is not mapped`;
      if (s.primary.value !== g.pfn.value) return `gpc->valid = 1 with gpc->pfn = ${g.pfn.value}, but the primary MMU maps H to ${s.primary.value}`;
      return true;
    },
  },
];
