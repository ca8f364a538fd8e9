import { ablateBarriers, defineModel, exploreWeak, modelBarriers, type Scenario } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { memslotGen } from '../src/index.js';

// memslot-gen under the LKMM (issue 20 section 1). install_new_memslots() (4.x) and
// kvm_swap_active_memslots() (v5.13+) have no smp_*() barrier: the path is ordered by
// rcu_assign_pointer() (a release), slots_lock, synchronize_srcu_expedited() and the readers'
// srcu_read_lock() and srcu_dereference(), which come with core's primitives (README, "Memory
// ordering"). The race is a grace-period race, so it is still found under lkmm and the fix holds.
const upstream = new Set(memslotGen.upstreamFixes);

function scenario(name: string): Scenario {
  const s = memslotGen.scenarios.catalogue.find((c) => c.name === name);
  if (!s) throw new Error(`no catalogue scenario ${name}`);
  return s.threads;
}

describe('memslot-gen under lkmm', () => {
  it('declares no barrier toggles of its own (the kernel path has no smp_*() barrier)', () => {
    expect(modelBarriers(memslotGen).map((b) => b.name)).toEqual([]);
  });

  it('upstream holds on the two-thread scenarios of the catalogue', () => {
    for (const name of ['exit-vs-update', 'spte-fault-vs-update', 'exit-access-vs-update', 'spte-fault-access-vs-update']) {
      const r = exploreWeak(memslotGen, upstream, scenario(name), { memory: 'lkmm' });
      expect(r.failures, name).toBe(0);
      expect(r.consistent, name).toBeGreaterThan(1);
    }
  });

  // The generation checks are srcu_dereference() reads: a vCPU whose section began during the
  // update may read an older set, even after the updater has finished. Such executions (with a
  // weak edge) are explored, and hold: an odd generation is an update in progress to the reader.
  it('upstream: executions in which a vCPU reads an older set are explored, and hold', () => {
    let stale = 0;
    const r = exploreWeak(memslotGen, upstream, scenario('exit-access-vs-update'), {
      memory: 'lkmm',
      onExecution: (run) => {
        if ((run.weak?.weakEdges ?? 0) > 0) stale++;
      },
    });
    expect(r.failures).toBe(0);
    expect(stale).toBeGreaterThan(0);
  });

  it('buggy is still found on both cache flavours', () => {
    for (const name of ['exit-access-vs-update', 'spte-fault-access-vs-update']) {
      const r = exploreWeak(memslotGen, new Set(), scenario(name), { memory: 'lkmm', stopAtFirst: true });
      expect(r.failure?.outcome.invariant, name).toBe('I_D');
    }
  });

  it('the low-bit mask alone still races on the per-vCPU cache and holds on the MMIO spte', () => {
    const lowBit = new Set(memslotGen.variants?.['spte-low-bit-only']);
    expect(exploreWeak(memslotGen, lowBit, scenario('exit-access-vs-update'), { memory: 'lkmm', stopAtFirst: true }).failure?.outcome.invariant).toBe('I_D');
    expect(exploreWeak(memslotGen, lowBit, scenario('spte-fault-access-vs-update'), { memory: 'lkmm' }).failures).toBe(0);
  });

  // `kvmrace ablate memslot-gen --memory lkmm --barriers`: no rows, the baseline holds.
  it('barrier ablation: an empty table over a holding baseline', () => {
    const a = ablateBarriers(memslotGen, { fixes: [...upstream], memory: 'lkmm', scenarios: [scenario('exit-access-vs-update')] });
    expect(a.baseline.verdict).toBe('holds');
    expect(a.baseline.executions).toBeGreaterThan(0);
    expect([a.rows, a.pairs]).toEqual([[], []]);
  });

  // The finding (README, "Memory ordering"): the second increment is a plain store in the kernel
  // (slots->generation++; v5: slots->generation = gen), made after synchronize_srcu_expedited()
  // while vCPUs read the generation without slots_lock. As a plain store, the LKMM calls that a
  // data race with those reads; the model marks it, so that I_D is what is checked.
  it('with the second increment a plain store, as in the kernel, the LKMM reports a data race', () => {
    const kernelPlain = defineModel({
      ...memslotGen,
      setup: (w) => {
        const s = memslotGen.setup(w);
        const slots = s.memslots;
        // Only slots->generation++ is an update of kvm->memslots; its value is computed from the latest set, as the sole writer's.
        slots.update = function* (fn, label) {
          const next = fn(slots.value);
          yield* slots.plainWrite(next, label);
          return next;
        };
        return s;
      },
    });
    for (const name of ['exit-access-vs-update', 'spte-fault-access-vs-update']) {
      const r = exploreWeak(kernelPlain, upstream, scenario(name), { memory: 'lkmm', stopAtFirst: true });
      expect(r.failure?.outcome.kind, name).toBe('data-race');
      expect(r.failure?.outcome.message, name).toMatch(/marked read of kvm->memslots .* plain write of kvm->memslots/);
    }
  });
});
