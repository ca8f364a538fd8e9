import { contextSwitches, defineModel, fromRuns, replaySchedule, Run } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { memslotGen, mmioInfoHits, type MemslotGenState } from '../src/index.js';

// PROTOCOLS.md D, "Minimal BUGGY interleaving":
//   V: V1 srcu_read_lock, V2 look gfn_X up in S0 (MMIO)                     2 steps
//   U: slots_lock, U1+U2 publish S1 (gen 1), U3 synchronize: snapshot {V}    3 steps (then blocked on V)
//   V: V3+V4 cache "MMIO" with a fresh generation read (S1: 1), V5 unlock    2 steps
//   U: U3 returns                                                             1 step  <== I_D: the stale tag is current
// The run stops there: I_D is a state invariant, so it breaks as soon as the update is over, before
// V6 (the table's row 5) gets to use the cache. Without the state invariant V6 itself trips the
// same check inline (last test).
const BUGGY = fromRuns([[0, 2], [1, 3], [0, 2], [1, 1]]);
// FIXED, same shape: U3 returns, U4 generation++ (2), U5, unlock; then V's use misses and takes the slow path.
const FIXED = (vTail: number) => fromRuns([[0, 2], [1, 3], [0, 2], [1, 4], [0, vTail]]);

const PER_VCPU = [['vcpu_mmio_exit', 'mmio_access'], ['set_memory_region']];
const SPTE = [['mmio_spte_fault', 'mmio_spte_access'], ['set_memory_region']];
const SECOND = ['second-increment-after-synchronize'];
const LOW_BIT = ['spte-ignores-low-bit'];

describe('the minimal interleaving of PROTOCOLS.md D, scripted', () => {
  it('per-vCPU mmio_gen cache: buggy breaks I_D when synchronize_srcu returns (2 threads, 3 switches, 8 steps)', () => {
    const run = replaySchedule(memslotGen, [], PER_VCPU, BUGGY, true);
    expect(run.outcome).toMatchObject({ kind: 'violation', invariant: 'I_D', step: 7 });
    expect(run.outcome.message).toMatch(/vcpu0's mmio_gen cache \(mmio_gen 1\) matches and says gfn_X is MMIO, but S1 \(generation 1\) maps gfn_X as RAM/);
    expect(contextSwitches(run.schedule)).toBe(3);
    const t = run.trace ?? [];
    expect(t[1]?.accesses[0]?.value).toBe('{name:S0,generation:0,gfn_X:none}'); // V2 looked in S0
    expect(t[5]?.fn).toBe('vcpu_cache_mmio_info');
    expect(t[5]?.accesses.map((a) => a.value)).toEqual(['{name:S1,generation:1,gfn_X:RAM}', '{mmio_gfn:gfn_X,mmio_gen:1}']); // ...tagged with S1's gen
    expect(t[7]?.label).toBe('synchronize_srcu(kvm->srcu): wait for CPU0');
  });

  it('MMIO spte: buggy breaks I_D on the same schedule', () => {
    const run = replaySchedule(memslotGen, [], SPTE, BUGGY, true);
    expect(run.outcome).toMatchObject({ kind: 'violation', invariant: 'I_D', step: 7 });
    expect(run.outcome.message).toMatch(/the MMIO spte of gfn_X \(mmio\(gen 1\)\) matches/);
  });

  it('per-vCPU mmio_gen cache: fixed holds on the same shape; the later access misses (1 != 2) and looks gfn_X up again', () => {
    const run = replaySchedule(memslotGen, memslotGen.fixNames, PER_VCPU, FIXED(4), true);
    expect(run.outcome.kind).toBe('ok');
    const t = run.trace ?? [];
    expect(t.find((e) => e.label === 'slots->generation++')?.accesses[0]?.value).toBe('{name:S1,generation:2,gfn_X:RAM}');
    expect(t.at(-2)?.fn).toBe('kvm_read_guest'); // the slow path, not the MMIO route
  });

  it('MMIO spte: fixed holds on the same shape; check_mmio_spte misses and the fault maps RAM', () => {
    const run = replaySchedule(memslotGen, memslotGen.fixNames, SPTE, FIXED(6), true);
    expect(run.outcome.kind).toBe('ok');
    const t = run.trace ?? [];
    expect(t.find((e) => e.fn === 'mark_mmio_spte')?.accesses.map((a) => a.value)).toEqual(['{name:S1,generation:1,gfn_X:RAM}', '{mmio:gfn_X,gen:0}']); // 1 & ~1
    expect(t.at(-2)?.label).toBe('mmu_set_spte(): spte = pfn of gfn_X (RAM)');
    expect((run.trace ?? []).length).toBe(17); // V 2+2+6, U 3+4
  });

  it.each([
    ['second-increment-after-synchronize alone, per-vCPU', SECOND, PER_VCPU, FIXED(4), 'ok'],
    ['second-increment-after-synchronize alone, spte', SECOND, SPTE, FIXED(6), 'ok'],
    ['spte-ignores-low-bit alone, spte', LOW_BIT, SPTE, fromRuns([[0, 2], [1, 3], [0, 2], [1, 3], [0, 6]]), 'ok'],
    ['spte-ignores-low-bit alone, per-vCPU', LOW_BIT, PER_VCPU, BUGGY, 'violation'],
  ] as const)('%s: %s', (_name, fixes, scenario, schedule, kind) => {
    expect(replaySchedule(memslotGen, fixes, scenario, schedule).outcome.kind).toBe(kind);
  });

  it('without the state invariant, V6 (mmio_access) itself takes the MMIO route for RAM gfn_X: the inline I_D check', () => {
    const inlineOnly = defineModel({ ...memslotGen, invariants: [] });
    const run = new Run(inlineOnly, new Set(), PER_VCPU, { trace: true });
    for (const tid of fromRuns([[0, 2], [1, 3], [0, 2], [1, 3], [0, 2]])) run.step(tid);
    expect(run.outcome).toMatchObject({ kind: 'violation', invariant: 'I_D', thread: 0 });
    expect(run.outcome?.message).toMatch(/vcpu0's mmio_gen cache hit at generation 1 treats gfn_X as MMIO, but S1 maps it as RAM/);
    const s = run.state as MemslotGenState;
    expect(s.slotsLock.isFree).toBe(true); // the update is over: "valid forever"
    expect(mmioInfoHits(s.mmioInfo[0]!.value, s.memslots.value.generation)).toBe(true);
  });
});
