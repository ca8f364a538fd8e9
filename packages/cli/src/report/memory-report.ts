import { ablateBarriers, modelBarriers, plural, verifyUnderMemory, type AnyModel, type Scenario } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';
import type { MemoryReport } from './report-data.js';

/**
 * The LKMM checks of the report for a model with barrier toggles (none for one without: there is
 * no barrier to ask about, and its accesses are not yet marked as the kernel's): the upstream
 * variant with every barrier, the buggy variant's smallest race, and each barrier off in turn
 * (under the LKMM and x86-TSO) and each kernel-paired pair.
 */
export function memoryReport(model: AnyModel, buggyScenario?: Scenario): MemoryReport | undefined {
  if (modelBarriers(model).length === 0) return undefined;
  const catalogue = model.scenarios.catalogue;
  const first = catalogue[0];
  if (first === undefined) return undefined;
  const start = performance.now();
  // The weak explorer re-runs every thread from the start for each run, which three threads make
  // slow (minutes for pfncache's): the report asks it about the catalogue's two-thread scenarios
  // (the first one if there is none), and about the buggy race's own scenario; `kvmrace verify
  // --memory lkmm` and `ablate --barriers` cover the whole catalogue.
  const twoThread = catalogue.filter((s) => s.threads.length <= 2);
  const covered = twoThread.length > 0 ? twoThread : [first];
  const a = ablateBarriers(model, { fixes: model.upstreamFixes, memory: 'lkmm', scenarios: covered.map((s) => s.threads) });
  const buggy = verifyUnderMemory(model, { fixes: [], memory: 'lkmm', minimal: true, scenarios: [buggyScenario ?? first.threads] });
  const up = a.baseline;
  return {
    memory: 'lkmm',
    upstream: { verdict: up.verdict, executions: up.executions, consistent: up.consistent, distinct: up.distinct, ...(up.counterexample ? { counterexample: up.counterexample } : {}) },
    ...(buggy.counterexample ? { buggy: { race: buggy.counterexample, scAlso: buggy.scVerdict === 'violated' } } : {}),
    barriers: a.rows.map((r) => ({ barrier: r.barrier, pairsWith: r.pairsWith, lkmm: r.memory.verdict, tso: r.tso.verdict, ...(r.memory.counterexample ? { race: r.memory.counterexample } : {}) })),
    pairs: a.pairs.map((p) => ({ barriers: p.barriers, lkmm: p.memory.verdict })),
    bound: `${covered.length === catalogue.length ? `the whole catalogue (${plural(covered.length, 'scenario')})` : covered.length === 1 ? `the catalogue scenario ${covered[0]!.name}` : `the catalogue's ${covered.length} two-thread scenarios of ${catalogue.length}`}, every interleaving with every reads-from and coherence choice (executions whose po ∪ rf is acyclic), memory model lkmm`,
    ms: Math.round(performance.now() - start),
  };
}
