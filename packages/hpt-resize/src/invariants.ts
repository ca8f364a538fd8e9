import type { InvariantSpec } from '@kvmrace/core';
import type { HptResizeState } from './state.js';

/** I_B1, I_B2, I_B3 of PROTOCOLS.md section B, checked after every step. */
export const hptResizeInvariants: readonly InvariantSpec<HptResizeState>[] = [
  {
    name: 'I_B1',
    description: 'no stale chain: a present rmap entry indexes the rev[] array of the installed HPT',
    check: (s) => {
      const r = s.rmap.value;
      return !r.present || r.gen === s.hpt.value || `rmap[g] points at ${r.gen}.rev[${r.idx}] but kvm->arch.hpt is ${s.hpt.value}${s.oldFreed.value ? ' (OLD is freed)' : ''}`;
    },
  },
  {
    name: 'I_B2',
    description: 'no lost update: an OLD HPTE the rehash already visited never becomes VALID again',
    check: (s) => {
      const i = s.oldHpte.findIndex((h, idx) => s.visited[idx] && h.value === 'VALID');
      return i < 0 || `OLD.hpte[${i}] became VALID after resize_hpt_rehash_hpte visited it; NEW will not have it`;
    },
  },
  {
    name: 'I_B3',
    description: 'guest quiesced: no vCPU is in the guest between the start of the rehash and the pivot',
    when: (s) => s.rehashing,
    check: (s) => {
      const c = s.cpus.find((cpu) => cpu.inGuest);
      return c === undefined || `${c.name} is in the guest while resize_hpt_rehash walks the HPT`;
    },
  },
];
