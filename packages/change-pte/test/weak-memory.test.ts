import { ablateBarriers, defineModel, exploreWeak, modelBarriers } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { changePte } from '../src/index.js';

// change-pte under the LKMM (issue 20 section 1): the fault's smp_rmb() after sampling
// mmu_notifier_seq is the model's toggle, mmu_invalidate_retry()'s smp_rmb() and
// kvm_mmu_invalidate_end()'s smp_wmb() come with core's mmu notifier. Upstream holds on every
// catalogue scenario that runs in under 20 s on 2 shared cores; two-faults-vs-ksm (31 s) and
// fault-vs-ksm-vs-invalidate (38 s) are left to `kvmrace verify change-pte --memory lkmm`
// (README, "Under the LKMM"). The barrier table is pinned on the two-thread scenarios.

const BARRIERS = ['kvmppc_book3s_instantiate_page:smp_rmb', 'mmu_invalidate_retry:smp_rmb', 'kvm_mmu_invalidate_end:smp_wmb'];
const upstream = new Set(changePte.upstreamFixes);
const FAST = ['fault-vs-ksm', 'fault-vs-invalidate', 'mapped-fault-vs-ksm', 'fault-vs-two-ksm'];
const TWO_THREADS = ['fault-vs-ksm', 'fault-vs-invalidate', 'mapped-fault-vs-ksm'];
const scenario = (name: string) => {
  const s = changePte.scenarios.catalogue.find((c) => c.name === name);
  if (!s) throw new Error(`no catalogue scenario ${name}`);
  return s.threads;
};

describe('change-pte under lkmm', () => {
  it('declares the fault-side barrier and gets the mmu notifier\'s two, paired', () => {
    expect(modelBarriers(changePte).map((b) => b.name)).toEqual(BARRIERS);
    expect(modelBarriers(changePte)[1]?.pairsWith).toEqual(['kvm_mmu_invalidate_end:smp_wmb']);
  });

  for (const name of FAST) {
    it(`upstream holds: ${name}`, () => {
      const r = exploreWeak(changePte, upstream, scenario(name), { memory: 'lkmm' });
      expect(r.failures).toBe(0);
      expect(r.consistent).toBeGreaterThan(1);
    });
  }

  // Every scenario with KSM: the unbracketed caller without the seq bump keeps the old page
  // mapped (I_C); fault-vs-invalidate has no KSM, and holds even for buggy.
  for (const sc of changePte.scenarios.catalogue.filter((s) => s.threads.flat().includes('ksm_replace_page'))) {
    it(`buggy is still found (I_C), as an interleaving: ${sc.name}`, () => {
      const r = exploreWeak(changePte, new Set(), sc.threads, { memory: 'lkmm', stopAtFirst: true });
      expect(r.failure?.outcome.invariant).toBe('I_C');
    });
  }
  it('buggy\'s smallest race on fault-vs-ksm has no weak edge (sc finds it too)', () => {
    const r = exploreWeak(changePte, new Set(), scenario('fault-vs-ksm'), { memory: 'lkmm' });
    expect(r.failure?.outcome.invariant).toBe('I_C');
    expect(r.failure?.weakEdges).toBe(0);
  });
  it('buggy holds on fault-vs-invalidate (a bracketed invalidation alone is not the race)', () => {
    expect(exploreWeak(changePte, new Set(), scenario('fault-vs-invalidate'), { memory: 'lkmm' }).failures).toBe(0);
  });

  // The table of `kvmrace ablate change-pte --memory lkmm --barriers`: no barrier is needed. The
  // fault's seq sample is followed by gup under ptl and the check under mmu_lock, and every write
  // it races with is made under one of those locks: the locks' release/acquire order what the
  // barriers would (README).
  it('barrier ablation on the two-thread scenarios: no barrier needed within the bound, under lkmm or tso, nor the kernel-paired pair', () => {
    const a = ablateBarriers(changePte, { fixes: [...upstream], memory: 'lkmm', scenarios: TWO_THREADS.map(scenario) });
    expect(a.baseline.verdict).toBe('holds');
    expect(a.rows.map((r) => [r.barrier, r.memory.verdict, r.tso.verdict])).toEqual(BARRIERS.map((b) => [b, 'not needed', 'not needed']));
    expect(a.rows.every((r) => r.memory.executions > 0 && r.tso.executions > 0)).toBe(true);
    expect(a.pairs.map((p) => [p.barriers, p.memory.verdict])).toEqual([[[BARRIERS[1], BARRIERS[2]], 'not needed']]);
  });

  // The finding (README, "Under the LKMM"): c13fda237f08's WARN_ON_ONCE(!kvm->mmu_notifier_count)
  // is a plain read without mmu_lock, which another invalidation's count++ holds. With that read
  // plain, as c13fda237f08 writes it, the LKMM calls it a data race (later kernels READ_ONCE it).
  it('with the WARN\'s count read plain, as in c13fda237f08, the LKMM reports a data race beside another invalidation', () => {
    const kernelPlain = defineModel({
      ...changePte,
      setup: (w) => {
        const s = changePte.setup(w);
        const count = s.mn.count;
        count.read = (label?: string) => count.plainRead(label);
        return s;
      },
    });
    const withInvalidation = exploreWeak(kernelPlain, upstream, scenario('fault-vs-ksm-vs-invalidate'), { memory: 'lkmm', stopAtFirst: true });
    expect(withInvalidation.failure?.outcome.kind).toBe('data-race');
    expect(withInvalidation.failure?.outcome.message).toMatch(/CPU1's plain read of mmu_notifier_count .* CPU2's marked write of mmu_notifier_count/); // KSM's WARN vs the invalidation
    expect(exploreWeak(kernelPlain, upstream, scenario('fault-vs-ksm'), { memory: 'lkmm' }).failures).toBe(0); // its own bracket's writes are po-before
  });
});
