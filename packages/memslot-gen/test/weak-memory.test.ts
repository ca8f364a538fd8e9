import { exploreWeak, modelBarriers } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { memslotGen } from '../src/index.js';

// memslot-gen under the LKMM (issue 20 section 1). The path of ee3d1570b586 has no smp_*()
// barrier: install_new_memslots() orders its work with rcu_assign_pointer(), the slots_lock mutex
// and synchronize_srcu_expedited(), which come with core's primitives. The race is a grace-period
// race, so it is still found under lkmm and the fix still holds (README, "Memory ordering").

describe('memslot-gen under lkmm', () => {
  it('declares no barrier toggles of its own (the kernel path has no smp_*() barrier)', () => {
    expect(modelBarriers(memslotGen).map((b) => b.name)).toEqual([]);
  });
  it('upstream holds: spte-fault-access-vs-update', () => {
    const r = exploreWeak(memslotGen, new Set(memslotGen.upstreamFixes), [['mmio_spte_fault', 'mmio_spte_access'], ['set_memory_region']], { memory: 'lkmm' });
    expect(r.failures).toBe(0);
    expect(r.consistent).toBeGreaterThan(0);
  });
  it('buggy is still found: exit-access-vs-update', () => {
    const r = exploreWeak(memslotGen, new Set(), [['vcpu_mmio_exit', 'mmio_access'], ['set_memory_region']], { memory: 'lkmm', stopAtFirst: true });
    expect(r.failure?.outcome.invariant).toBe('I_D');
  });
});
