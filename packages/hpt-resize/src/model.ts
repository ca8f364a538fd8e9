import { defineModel } from '@kvmrace/core';
import { hptResizeBarriers } from './barriers.js';
import { hptFixes } from './fixes.js';
import { hptResizeInvariants } from './invariants.js';
import { hvPageFault } from './page-fault.js';
import { kvmVmIoctlResizeHptCommit } from './resize-commit.js';
import { hptResizeScenarios } from './scenarios.js';
import { kvmppcHvSetupHtabRma } from './setup-htab.js';
import { describeHptResize, setupHptResize } from './state.js';
import { kvmppcVcpuRunHv } from './vcpu-run.js';

/**
 * PPC Book3S HV: exclusion between HPT resizing and other HPT updates (PROTOCOLS.md section B;
 * fix 38c53af85306).
 */
export const hptResize = defineModel({
  name: 'hpt-resize',
  title: 'PPC Book3S HV: HPT resizing vs HPT updates',
  summary:
    'The resize commit clears hpte_setup_done under kvm->lock, IPIs every CPU and rehashes the HPT; ' +
    'a vCPU re-enters the guest without rechecking the flag, and a host page fault makes an HPTE ' +
    'VALID after the rehash dropped it, leaving an rmap chain that indexes the old rev[] array, ' +
    'out of bounds of the smaller new HPT (the crash in kvmppc_add_revmap_chain).',
  sources: [
    'arch/powerpc/kvm/book3s_hv.c (v4.11-v4.13, before 38c53af85306): kvmppc_vcpu_run_hv, kvmppc_run_vcpu, kvmppc_run_core',
    'arch/powerpc/kvm/book3s_64_mmu_hv.c (v4.15-v4.20): kvmppc_book3s_hv_page_fault, resize_hpt_rehash_hpte, resize_hpt_pivot, kvm_vm_ioctl_resize_hpt_commit',
    'arch/powerpc/kvm/book3s_hv.c (v5.x): kvmhv_setup_mmu, the mmu_ready check in kvmppc_run_vcpu and kvmppc_run_core',
    '38c53af85306 "KVM: PPC: Book3S HV: Fix exclusion between HPT resizing and other HPT updates" (Cc: stable v4.14+)',
  ],
  fixes: hptFixes,
  barriers: hptResizeBarriers,
  variants: {
    'guest-entry-only': ['run-core-checks-flag', 'setup-in-run-loop'],
    'fault-only': ['fault-checks-flag'],
  },
  operations: {
    vcpu_run: {
      summary: 'one KVM_RUN: enter the guest twice (irqs off, enter, exit on a trap or the IPI, irqs on)',
      kernel: 'kvmppc_vcpu_run_hv() / kvmppc_run_vcpu() / kvmppc_run_core()',
      run: kvmppcVcpuRunHv,
    },
    page_fault: {
      summary: 'a hypervisor page fault on the ABSENT guest HPTE, under srcu_read_lock: HPTE lock, rmap chain, VALID',
      kernel: 'kvmppc_book3s_hv_page_fault() / kvmppc_add_revmap_chain()',
      run: hvPageFault,
    },
    resize_commit: {
      summary: 'commit a pending resize to a smaller HPT: flag off, IPI, rehash, pivot, synchronize_srcu, flag on, free OLD',
      kernel: 'kvm_vm_ioctl_resize_hpt_commit() / resize_hpt_rehash() / resize_hpt_pivot()',
      run: kvmVmIoctlResizeHptCommit,
      maxPerScenario: 1,
    },
    setup_htab: {
      summary: 'set up the HPT and VRMA under kvm->lock unless already done',
      kernel: 'kvmppc_hv_setup_htab_rma()',
      run: kvmppcHvSetupHtabRma,
    },
  },
  setup: setupHptResize,
  invariants: hptResizeInvariants,
  scenarios: hptResizeScenarios,
  describeState: describeHptResize,
});
