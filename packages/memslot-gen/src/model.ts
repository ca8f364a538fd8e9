import { defineModel } from '@kvmrace/core';
import { memslotGenFixes, memslotGenVariants } from './fixes.js';
import { iD } from './invariants.js';
import { mmioAccess } from './mmio-access.js';
import { mmioSpteAccess } from './mmio-spte-access.js';
import { mmioSpteFault } from './mmio-spte-fault.js';
import { memslotGenScenarios } from './scenarios.js';
import { setMemoryRegion } from './set-memory-region.js';
import { describeMemslotGen, setupMemslotGen } from './state.js';
import { vcpuMmioExit } from './vcpu-mmio-exit.js';

/**
 * x86 memslot generation and the MMIO caches (../../shared/PROTOCOLS.md section D; ee3d1570b586
 * "kvm: fix potentially corrupt mmio cache").
 */
export const memslotGen = defineModel({
  name: 'memslot-gen',
  title: 'Memslot generation and the MMIO cache (ee3d1570b586)',
  summary:
    'A vCPU exit looks gfn_X up in the old memslots (no slot: MMIO) inside its SRCU read section, then tags ' +
    'the cached decision with a fresh read of kvm->memslots->generation, which may already be the new set\'s. ' +
    'The updater bumped the generation once, before rcu_assign_pointer() and synchronize_srcu_expedited(), so ' +
    'after the update the stale "MMIO" decision carries the current generation and stays valid forever (I_D). ' +
    'ee3d1570b586 bumps the generation again after synchronize (the in-progress generation is odd) and makes ' +
    'MMIO sptes drop its low bit.',
  sources: [
    'ee3d1570b586 "kvm: fix potentially corrupt mmio cache" (commit message [RECON])',
    'virt/kvm/kvm_main.c install_new_memslots(), update_memslots() (3.x, BUGGY; 4.x, FIXED; torvalds/linux @ 00116795aa87 for v5)',
    'arch/x86/kvm/mmu.c mark_mmio_spte(), check_mmio_spte(), generation_mmio_spte_mask(), kvm_current_mmio_generation(), handle_abnormal_pfn(), tdp_page_fault()',
    'arch/x86/kvm/x86.h vcpu_cache_mmio_info(), vcpu_match_mmio_gen(); arch/x86/kvm/x86.c vcpu_mmio_gva_to_gpa(), __vcpu_run() (kvm->srcu)',
  ],
  fixes: memslotGenFixes,
  variants: memslotGenVariants,
  operations: {
    vcpu_mmio_exit: {
      summary: 'per-vCPU cache fill: srcu_read_lock, look gfn_X up, cache "MMIO" tagged with a fresh generation read, srcu_read_unlock',
      kernel: 'tdp_page_fault() -> handle_abnormal_pfn() -> vcpu_cache_mmio_info()',
      run: vcpuMmioExit,
    },
    mmio_access: {
      summary: 'per-vCPU cache use: inside srcu, the MMIO route if mmio_gen matches the current generation, else a fresh lookup',
      kernel: 'emulator_read_write_onepage() -> vcpu_mmio_gva_to_gpa() -> vcpu_match_mmio_gen()',
      run: mmioAccess,
    },
    mmio_spte_fault: {
      summary: 'MMIO spte fill: srcu_read_lock, look gfn_X up, mark an MMIO spte with the generation tag, srcu_read_unlock',
      kernel: 'tdp_page_fault() -> __direct_map() -> set_mmio_spte() -> mark_mmio_spte()',
      run: mmioSpteFault,
    },
    mmio_spte_access: {
      summary: 'MMIO spte use: inside srcu, emulate as MMIO if check_mmio_spte() matches, else fault gfn_X in again',
      kernel: 'handle_ept_misconfig() -> handle_mmio_page_fault_common() -> check_mmio_spte() / kvm_mmu_page_fault()',
      run: mmioSpteAccess,
    },
    set_memory_region: {
      summary: 'memslot update under slots_lock: publish the new set (generation + 1), synchronize_srcu, [generation++], arch hook',
      kernel: 'kvm_set_memory_region() -> __kvm_set_memory_region() -> install_new_memslots()',
      run: setMemoryRegion,
      maxPerScenario: 2,
    },
  },
  setup: setupMemslotGen,
  invariants: [iD],
  scenarios: memslotGenScenarios,
  describeState: describeMemslotGen,
});
