import type { Lock, Srcu, Var, World } from '@kvmrace/core';

/** What `__gfn_to_memslot(slots, gfn_X)` finds: a RAM slot, or nothing (the gfn is MMIO). */
export type GfnXSlot = 'RAM' | 'none';

/**
 * One `struct kvm_memslots` as published through `kvm->memslots`. Its slot array is immutable once
 * published; only `generation` still changes afterwards (the FIXED second increment, under
 * `slots_lock`), which the model writes as a new value of the same `kvm->memslots` variable.
 */
export interface Memslots {
  /** `S0` is the initial set; install k publishes `Sk`. */
  readonly name: string;
  /** `slots->generation`, a 64-bit counter in the model (no 19-bit truncation, no wrap). */
  readonly generation: number;
  /** What a lookup of gfn_X in this set gives. */
  readonly gfn_X: GfnXSlot;
}

/** A vCPU's MMIO info cache (`vcpu->arch.mmio_gfn`, `vcpu->arch.mmio_gen`); `mmio_gfn: none` is empty. */
export interface MmioInfo {
  readonly mmio_gfn: 'gfn_X' | 'none';
  readonly mmio_gen: number;
}

/** The TDP spte of gfn_X: not present, a normal spte mapping RAM, or an MMIO spte with its generation tag. */
export type Spte = 'none' | 'RAM' | { readonly mmio: 'gfn_X'; readonly gen: number };

/** The shared state of one run (PROTOCOLS.md D, "Shared state"). */
export interface MemslotGenState {
  /** `kvm->srcu`: held by a vCPU across exit handling; `install_new_memslots` synchronizes on it. */
  readonly srcu: Srcu;
  /** `kvm->slots_lock`: serializes memslot updates (`kvm_set_memory_region`). */
  readonly slotsLock: Lock;
  /** `kvm->memslots`: the pointer and the installed set's generation. */
  readonly memslots: Var<Memslots>;
  /** Per vCPU (thread id), its MMIO info cache: the per-vCPU `mmio_gen` flavour. */
  readonly mmioInfo: readonly Var<MmioInfo>[];
  /** The MMIO SPTE flavour: gfn_X's spte in the (shared) TDP page table. */
  readonly spte: Var<Spte>;
  /** Ghost: updaters inside U1..U4 (U1..U3 without the second increment); I_D is not checked then. */
  updating: number;
  /** Ghost: how many memslot sets have been built (names `S1`, `S2`, ...). */
  installs: number;
}

/** The initial state: `kvm->memslots -> S0 = {gen 0, gfn_X: no slot}`, no readers, empty caches. */
export function setupMemslotGen(w: World): MemslotGenState {
  return {
    srcu: w.srcu('kvm->srcu'),
    slotsLock: w.mutex('kvm->slots_lock'),
    memslots: w.var<Memslots>('kvm->memslots', { name: 'S0', generation: 0, gfn_X: 'none' }),
    mmioInfo: w.threadIds().map((tid) => w.var<MmioInfo>(`vcpu${tid}->arch.mmio_gfn/gen`, { mmio_gfn: 'none', mmio_gen: 0 })),
    spte: w.var<Spte>('spte(gfn_X)', 'none'),
    updating: 0,
    installs: 0,
  };
}

/** A spte as one word for traces and messages. */
export function describeSpte(spte: Spte): string {
  return typeof spte === 'string' ? spte : `mmio(gen ${spte.gen})`;
}

/** The state in a few words, for the end of a race table. */
export function describeMemslotGen(s: MemslotGenState): string {
  const m = s.memslots.value;
  const caches = s.mmioInfo
    .map((v, tid) => (v.value.mmio_gfn === 'none' ? null : `vcpu${tid} mmio_gen=${v.value.mmio_gen}`))
    .filter((x) => x !== null);
  return [
    `kvm->memslots=${m.name} (generation ${m.generation}, gfn_X ${m.gfn_X === 'RAM' ? 'RAM' : 'no slot'})`,
    `mmio cache: ${caches.length ? caches.join(', ') : 'empty'}`,
    `spte(gfn_X)=${describeSpte(s.spte.value)}`,
    `srcu ${s.srcu.describe()}`,
    `slots_lock ${s.slotsLock.describe()}`,
  ].join(', ');
}
