import type { BarrierSpec } from '@kvmrace/core';

/**
 * The barriers on the model's path (book3s_64_mmu_hv.c and book3s_hv.c, v4.15-v4.20), each a
 * toggle, on by default. No kernel comment names what they pair with; the HPTE lock comment in
 * kvmppc_book3s_hv_page_fault() says the lock, not a barrier, orders its flag test against the
 * resize. Left out (README, "Under the LKMM"): kvmppc_vcpu_run_hv()'s smp_mb() after
 * atomic_inc(&vcpus_running), whose partner is kvmppc_alloc_reset_hpt(), not modelled; the
 * eieio()/ptesync of the fault and the pivot, which order the HPTE's words for the hardware table
 * walker, no CPU of the model.
 */
export const hptResizeBarriers: Readonly<Record<string, BarrierSpec>> = {
  'kvm_vm_ioctl_resize_hpt_commit:smp_mb': {
    summary: 'kvm_vm_ioctl_resize_hpt_commit(): "Stop VCPUs from running while we mess with the HPT": mmu_ready = 0; smp_mb(); before the IPIs that "boot all CPUs out of the guest so they re-read mmu_ready"',
  },
  'kvm_vm_ioctl_resize_hpt_commit.out:smp_mb': {
    summary: 'kvm_vm_ioctl_resize_hpt_commit(), at out: "Let VCPUs run again": mmu_ready = 1; smp_mb(); before resize_hpt_release() frees the old HPT',
  },
  'kvmppc_hv_setup_htab_rma:smp_wmb': {
    summary: 'kvmppc_hv_setup_htab_rma(): "Order updates to kvm->arch.lpcr etc. vs. hpte_setup_done": the VRMA HPTEs before hpte_setup_done = 1',
  },
};
