import { ablateBarriers, exploreWeak, modelBarriers, type Scenario } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { hptResize } from '../src/index.js';

// hpt-resize under the LKMM (issue 20 section 1): the accesses as book3s_64_mmu_hv.c and
// book3s_hv.c mark them, the resize commit's two smp_mb() and kvmppc_hv_setup_htab_rma()'s
// smp_wmb() as toggles (README, "Under the LKMM"). The weak explorer has no reduction, so these
// are the two-thread scenarios; the three-thread ones run for minutes (README).
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

  it('upstream holds: run-vs-resize and setup-vs-resize (the IPI orders the flag for the vCPU)', () => {
    for (const name of ['run-vs-resize', 'setup-vs-resize']) {
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

  // The barrier table of `kvmrace ablate hpt-resize --memory lkmm --barriers`, on run-vs-resize:
  // the smp_mb() after clearing the flag is subsumed by on_each_cpu(), whose llist_add() is fully
  // ordered; the one after setting it again and setup's smp_wmb() order nothing a reader of the
  // model depends on (setup never runs its first-time path here).
  it('barrier ablation on run-vs-resize: no barrier is needed within the bound, under lkmm or tso', () => {
    const a = ablateBarriers(hptResize, { fixes: [...upstream], memory: 'lkmm', scenarios: [scenario('run-vs-resize')] });
    expect(a.baseline.verdict).toBe('holds');
    expect(a.rows.map((r) => [r.barrier, r.memory.verdict, r.tso.verdict])).toEqual(BARRIERS.map((b) => [b, 'not needed', 'not needed']));
    expect(a.rows.every((r) => r.memory.executions > 0)).toBe(true);
    expect(a.pairs).toEqual([]);
  });
});
