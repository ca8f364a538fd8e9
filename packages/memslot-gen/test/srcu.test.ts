import { Run } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { memslotGen, type MemslotGenState } from '../src/index.js';

const scenario = [['vcpu_mmio_exit'], ['set_memory_region']];

function run(fixes: readonly string[], schedule: readonly number[]): Run {
  const r = new Run(memslotGen, new Set(fixes), scenario, { trace: true });
  for (const tid of schedule) r.step(tid);
  return r;
}

describe('synchronize_srcu waits for the readers that began before it, and only those', () => {
  it('a vCPU inside its read section when U snapshots blocks U3 until srcu_read_unlock', () => {
    const r = run(memslotGen.fixNames, [0, 1, 1, 1]); // V1; slots_lock, publish, snapshot
    expect(r.isEnabled(1)).toBe(false);
    expect(r.pendingStep(1)?.label).toBe('synchronize_srcu(kvm->srcu): wait for CPU0');
    r.step(0); // lookup (S1 now: RAM, nothing to cache)
    expect(r.isEnabled(1)).toBe(false);
    r.step(0); // srcu_read_unlock
    expect(r.isEnabled(1)).toBe(true);
  });

  it('a vCPU that enters after the snapshot does not delay U3, and sees the new set', () => {
    const r = run(memslotGen.fixNames, [1, 1, 1, 0]); // slots_lock, publish, snapshot; then V1
    expect((r.state as MemslotGenState).srcu.isReader(0)).toBe(true);
    expect(r.isEnabled(1)).toBe(true); // not waiting for CPU0
    expect(r.pendingStep(1)?.label).toBe('synchronize_srcu(kvm->srcu): wait for no readers');
    for (const tid of [1, 1, 1, 1, 0, 0]) r.step(tid); // U3 wait, U4, U5, unlock; V: lookup (RAM), unlock
    expect(r.outcome?.kind).toBe('ok');
    expect((r.state as MemslotGenState).mmioInfo[0]?.value.mmio_gfn).toBe('none'); // RAM: nothing cached
  });
});
