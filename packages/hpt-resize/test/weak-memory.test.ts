import { ablateBarriers, defineModel, exploreWeak, modelBarriers, type Scenario, type Var } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize } from '../src/index.js';

// hpt-resize under the LKMM (issue 20 section 1): the accesses as book3s_64_mmu_hv.c and
// book3s_hv.c mark them, the resize commit's two smp_mb() and kvmppc_hv_setup_htab_rma()'s
// smp_wmb() as toggles (README, "Under the LKMM"). The three-thread scenarios with two faults or
// a fault beside a vCPU take 20-30 s each under lkmm, so they are left to `kvmrace verify` (README).
const upstream = new Set(hptResize.upstreamFixes);
const BARRIERS = ['kvm_vm_ioctl_resize_hpt_commit:smp_mb', 'kvm_vm_ioctl_resize_hpt_commit.out:smp_mb', 'kvmppc_hv_setup_htab_rma:smp_wmb'];

function scenario(name: string): Scenario {
  const s = hptResize.scenarios.catalogue.find((c) => c.name === name);
  if (!s) throw new Error(`no catalogue scenario ${name}`);
  return s.threads;
}

describe('hpt-resize under lkmm', () => {
  it('declares the three barriers of the path, none paired by a kernel comment', () => {
    expect(modelBarriers(hptResize).map((b) => [b.name, b.pairsWith])).toEqual(BARRIERS.map((b) => [b, []]));
  });

  it('upstream holds on the catalogue\'s first four scenarios (the IPI orders the flag for the vCPU, the HPTE lock for the fault)', () => {
    for (const name of ['fault-vs-resize', 'run-vs-resize', 'setup-vs-resize', 'fault-then-run-vs-resize']) {
      const r = exploreWeak(hptResize, upstream, scenario(name), { memory: 'lkmm' });
      expect(r.failures, name).toBe(0);
      expect(r.consistent, name).toBeGreaterThan(1);
    }
  });

  it('buggy is still found: a vCPU in the guest during the rehash (I_B3), an interleaving sc has too', () => {
    const r = exploreWeak(hptResize, new Set(), scenario('run-vs-resize'), { memory: 'lkmm' });
    expect(r.failure?.outcome.invariant).toBe('I_B3');
    expect(r.failure?.weakEdges).toBe(0);
  });

  it('buggy is still found: a fault makes a rehashed entry VALID again (I_B2)', () => {
    const r = exploreWeak(hptResize, new Set(), scenario('fault-vs-resize'), { memory: 'lkmm', stopAtFirst: true });
    expect(r.failure?.outcome).toMatchObject({ kind: 'violation', invariant: 'I_B2' });
  });

  // The barrier table of `kvmrace ablate hpt-resize --memory lkmm --barriers`, per scenario: the
  // smp_mb() after clearing the flag is subsumed by on_each_cpu(), whose llist_add() is fully
  // ordered, and, for the fault, by the HPTE lock's release and acquire; the one after setting it
  // again and setup's smp_wmb() order nothing a reader of the model depends on (setup never runs
  // its first-time path here).
  it.each(['fault-vs-resize', 'run-vs-resize'])('barrier ablation on %s: no barrier is needed within the bound, under lkmm or tso', (name) => {
    const a = ablateBarriers(hptResize, { fixes: [...upstream], memory: 'lkmm', scenarios: [scenario(name)] });
    expect(a.baseline.verdict).toBe('holds');
    expect(a.rows.map((r) => [r.barrier, r.memory.verdict, r.tso.verdict])).toEqual(BARRIERS.map((b) => [b, 'not needed', 'not needed']));
    expect(a.rows.every((r) => r.memory.executions > 0)).toBe(true);
    expect(a.pairs).toEqual([]);
  });

  // The finding (README, "Under the LKMM"): the kernel reads and writes mmu_ready/hpte_setup_done
  // with plain C, the resize under kvm->lock, the vCPUs and faults without it. With every access
  // of the flag plain, the LKMM calls that a data race on both paths.
  it('with the flag plain everywhere, as in the kernel, the LKMM reports a data race', () => {
    const kernelPlain = defineModel({
      ...hptResize,
      setup: (w) => {
        const s = hptResize.setup(w);
        plainAccesses(s.hpteSetupDone);
        return s;
      },
    });
    for (const name of ['run-vs-resize', 'fault-vs-resize']) {
      const r = exploreWeak(kernelPlain, upstream, scenario(name), { memory: 'lkmm', stopAtFirst: true });
      expect(r.failure?.outcome.kind, name).toBe('data-race');
      expect(r.failure?.outcome.message, name).toMatch(/plain read of hpte_setup_done .* plain write of hpte_setup_done/);
    }
  });
});

/** Makes a variable's marked accesses (READ_ONCE/WRITE_ONCE) plain C ones, for this run's world. */
function plainAccesses<T>(v: Var<T>): void {
  v.read = (label?: string) => v.plainRead(label);
  v.write = (next: T, label?: string) => v.plainWrite(next, label);
}
