import type { Cpu, Lock, Srcu, Var, World } from '@kvmrace/core';
import { HPT_SIZE, OLD_HPTES, type HpteV, type HptGen } from './layout.js';

/** `memslot->arch.rmap[gfn]` of the guest page: empty, or the head of a chain in one table's `rev[]`. */
export type Rmap =
  | { readonly present: 0 }
  | {
      readonly present: 1;
      /** `*rmap & KVMPPC_RMAP_INDEX`: the HPTE index of the chain's head. */
      readonly idx: number;
      /** Ghost: the table that index belongs to. */
      readonly gen: HptGen;
    };

/** The shared state of one guest being resized: `struct kvm` and the bits of its HPT that matter. */
export interface HptResizeState {
  /** `kvm->lock`: the resize commit and `kvmppc_hv_setup_htab_rma` hold it. */
  readonly kvmLock: Lock;
  /** `kvm->mmu_lock`: held around the pivot. */
  readonly mmuLock: Lock;
  /** `kvm->srcu`: page faults run inside a read section; the pivot waits for them. */
  readonly srcu: Srcu;
  /** `kvm->arch.hpte_setup_done` (later `mmu_ready`): 1 when vCPUs may use the HPT. */
  readonly hpteSetupDone: Var<number>;
  /** `kvm->arch.hpt`: which table is installed. */
  readonly hpt: Var<HptGen>;
  /** First word of each OLD HPTE (`hptep[0]` without the lock bit). */
  readonly oldHpte: readonly Var<HpteV>[];
  /** `HPTE_V_HVLOCK` of each OLD HPTE (`try_lock_hpte` / `unlock_hpte`). */
  readonly oldHpteLock: readonly Lock[];
  /** `memslot->arch.rmap[gfn]` of the faulting guest page. */
  readonly rmap: Var<Rmap>;
  /** `KVMPPC_RMAP_LOCK_BIT` of that rmap entry (`lock_rmap` / `unlock_rmap`). */
  readonly rmapLock: Lock;
  /** Whether `resize_hpt_release` has freed the OLD table. */
  readonly oldFreed: Var<boolean>;
  /** One CPU per thread. */
  readonly cpus: readonly Cpu[];
  /** Ghost: `visited[i]` once `resize_hpt_rehash_hpte` has finished with OLD slot i. */
  readonly visited: boolean[];
  /** Ghost: true from the start of `resize_hpt_rehash` until the pivot installs NEW. */
  rehashing: boolean;
}

/** Builds the initial state: OLD installed, `hpte_setup_done = 1`, the guest HPTE ABSENT, rmap empty. */
export function setupHptResize(w: World): HptResizeState {
  return {
    kvmLock: w.mutex('kvm->lock'),
    mmuLock: w.spinlock('kvm->mmu_lock'),
    srcu: w.srcu('kvm->srcu'),
    hpteSetupDone: w.var('hpte_setup_done', 1),
    hpt: w.var<HptGen>('kvm->arch.hpt', 'OLD'),
    oldHpte: OLD_HPTES.map((v, i) => w.var<HpteV>(`OLD.hpte[${i}]`, v)),
    oldHpteLock: OLD_HPTES.map((_, i) => w.spinlock(`OLD.hpte[${i}].HVLOCK`)),
    rmap: w.var<Rmap>('rmap[g]', { present: 0 }),
    rmapLock: w.spinlock('rmap[g].lock'),
    oldFreed: w.var('OLD freed', false),
    cpus: w.threadIds().map((tid) => w.cpu(tid)),
    visited: OLD_HPTES.map(() => false),
    rehashing: false,
  };
}

/** Size of a table's `rev[]` array. */
export function hptSize(gen: HptGen): number {
  return HPT_SIZE[gen];
}

/** The state in one line, for the end of a race table. */
export function describeHptResize(s: HptResizeState): string {
  const r = s.rmap.value;
  const rmap = r.present ? `{present, idx ${r.idx}, ${r.gen}}` : 'empty';
  const hptes = s.oldHpte.map((h, i) => `${h.value}${s.visited[i] ? '(visited)' : ''}`).join(',');
  return `hpt=${s.hpt.value}, hpte_setup_done=${s.hpteSetupDone.value}, OLD=[${hptes}]${s.oldFreed.value ? ' freed' : ''}, rmap[g]=${rmap}, CPUs=${s.cpus.map((c) => c.state).join(',')}`;
}
