import type { Counter, Lock, MmuNotifier, RwLock, Var, World } from '@kvmrace/core';

/** `KVM_PFN_ERR_FAULT`: the pfn of a cache that holds none. */
export const KVM_PFN_ERR_FAULT = 'ERR';

/**
 * Bound of the `hva_to_pfn_retry()` loop and of the reader's `while (!kvm_gpc_check())` loop:
 * at most this many retries (so MAX_RETRY + 1 attempts), then the thread gives up (`GAVE_UP`,
 * never a failure by itself). PROTOCOLS.md section 0: 2 is enough for every minimal race.
 */
export const MAX_RETRY = 2;

/** `struct gfn_to_pfn_cache`: the fields the race touches. gpa and the memslot generation never change here. */
export interface Gpc {
  /** `gpc->lock`: readers use the mapping, writers change it. */
  readonly lock: RwLock;
  /** `gpc->refresh_lock`: serializes refreshes (and, with the upstream fix, activate/deactivate). */
  readonly refresh_lock: Lock;
  /** `gpc->active`: the cache is in use and on `kvm->gpc_list`, so mmu-notifier events reach it. */
  readonly active: Var<boolean>;
  /** `gpc->valid`: pfn and khva may be used (under `gpc->lock` for read). */
  readonly valid: Var<boolean>;
  /** `gpc->uhva`: the userspace address the gpa translates to (`H`; it never changes here). */
  readonly uhva: Var<string>;
  /** `gpc->pfn`: the host pfn cached, or `ERR`. */
  readonly pfn: Var<string>;
  /** `gpc->khva`: the kernel mapping of pfn, or null (page offsets are not modelled). */
  readonly khva: Var<string | null>;
}

/** The shared state of one run: the gpc, the VM's gpc list and mmu-notifier counters, and the host. */
export interface PfncacheState {
  /** The one cache. */
  readonly gpc: Gpc;
  /** `kvm->gpc_lock`: protects `kvm->gpc_list`. */
  readonly gpc_lock: Lock;
  /** `kvm->gpc_list` holds gpc (`list_add` in activate, `list_del` in deactivate). */
  readonly on_gpc_list: Var<boolean>;
  /** `kvm->mmu_invalidate_seq` and `kvm->mn_active_invalidate_count`. */
  readonly mn: MmuNotifier;
  /** The primary MMU: the pfn `H` maps to now (`primary(H)`). */
  readonly primary: Var<string>;
  /** Kernel mappings that exist (`mapped[khva]`), in the order made: `gpc_map` adds one, `gpc_unmap` removes it. */
  readonly mapped: Var<readonly string[]>;
  /** Ghost: how many kernel mappings were made, to name the next one (`K1`, `K2`...). */
  mapsMade: number;
  /** Ghost: how many times the primary MMU remapped H, to name the next pfn (`P1`, `P2`...). */
  remaps: number;
}

/** The kvm->mmu_invalidate_seq the run starts from. */
export const INITIAL_MMU_SEQ = 5;

/**
 * The state "after an mmu-notifier invalidation" (PROTOCOLS.md E): the cache is active and on the
 * list, `valid == 0` but pfn P and khva K are kept, K is mapped, and the primary MMU maps H to P.
 */
export function setupPfncache(w: World): PfncacheState {
  const gpc: Gpc = {
    lock: w.rwlock('gpc->lock'),
    refresh_lock: w.mutex('gpc->refresh_lock'),
    active: w.var('gpc->active', true),
    valid: w.var('gpc->valid', false),
    uhva: w.var('gpc->uhva', 'H'),
    pfn: w.var('gpc->pfn', 'P'),
    khva: w.var<string | null>('gpc->khva', 'K'),
  };
  const mn = w.mmuNotifier({ seq: 'kvm->mmu_invalidate_seq', count: 'kvm->mn_active_invalidate_count' });
  (mn.seq as Counter).value = INITIAL_MMU_SEQ;
  return {
    gpc,
    gpc_lock: w.spinlock('kvm->gpc_lock'),
    on_gpc_list: w.var('kvm->gpc_list has gpc', true),
    mn,
    primary: w.var('primary(H)', 'P'),
    mapped: w.var<readonly string[]>('mapped', ['K']),
    mapsMade: 0,
    remaps: 0,
  };
}

/** The state in a few words, for the end of a race table. */
export function describePfncache(s: PfncacheState): string {
  const g = s.gpc;
  const mapped = s.mapped.value.join(',');
  return (
    `active=${Number(g.active.value)} valid=${Number(g.valid.value)} pfn=${g.pfn.value} khva=${g.khva.value ?? 'NULL'} ` +
    `mapped={${mapped}} primary(H)=${s.primary.value} on gpc_list=${Number(s.on_gpc_list.value)}`
  );
}
