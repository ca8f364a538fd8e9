import type { Counterexample } from '../counterexample.js';
import type { AnyModel } from '../model.js';
import type { Scenario } from '../scenario.js';
import { modelBarriers } from './model-barriers.js';
import { verifyUnderMemory, type MemoryVerifyResult } from './verify-memory.js';

/** Whether the invariants still hold with some barriers off, under one memory model. */
export interface BarrierVerdict {
  readonly verdict: 'needed' | 'not needed';
  readonly executions: number;
  /** When needed: the smallest race that appears without it. */
  readonly counterexample?: Counterexample;
}

/** One barrier's row of a barrier ablation. */
export interface BarrierRow {
  readonly barrier: string;
  /** `model`, or the primitive it lives in (`seqcount`). */
  readonly from: string;
  readonly pairsWith: readonly string[];
  /** Under the ablation's memory model. */
  readonly memory: BarrierVerdict;
  /** Under x86-TSO: whether x86 needs it too. */
  readonly tso: BarrierVerdict;
}

/** A pair of barriers the kernel says pair with each other, both off. */
export interface BarrierPairRow {
  readonly barriers: readonly [string, string];
  readonly memory: BarrierVerdict;
}

/** What `ablateBarriers` found. */
export interface BarrierAblation {
  readonly memory: 'tso' | 'lkmm';
  readonly fixes: readonly string[];
  /** The scenarios every verification covered. */
  readonly scenarios: number;
  /** With every barrier on: holds, or the race that shows the model fails even so. */
  readonly baseline: MemoryVerifyResult;
  readonly rows: readonly BarrierRow[];
  readonly pairs: readonly BarrierPairRow[];
}

/** Options of `ablateBarriers`. */
export interface BarrierAblationOptions {
  readonly fixes: readonly string[];
  readonly memory: 'tso' | 'lkmm';
  /** Scenarios (default: the catalogue). */
  readonly scenarios?: readonly Scenario[];
  /** Called after each verification with how many are done and how many there are. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Barrier ablation: the model verified under `memory` with every barrier, then without each
 * barrier alone (and under x86-TSO, to say whether x86 needs it too), then without each pair the
 * barriers' `pairsWith` names. A barrier is *needed* when some execution within the scenarios
 * breaks an invariant without it (the smallest such race is kept), *not needed* within them
 * otherwise.
 */
export function ablateBarriers(model: AnyModel, options: BarrierAblationOptions): BarrierAblation {
  const barriers = modelBarriers(model);
  const names = new Set(barriers.map((b) => b.name));
  const pairs: Array<[string, string]> = [];
  for (const b of barriers) {
    for (const p of b.pairsWith) {
      if (names.has(p) && !pairs.some(([x, y]) => (x === p && y === b.name) || (x === b.name && y === p))) pairs.push([b.name, p]);
    }
  }
  const total = 1 + 2 * barriers.length + pairs.length;
  let done = 0;
  const run = (memory: 'tso' | 'lkmm', off: readonly string[]): MemoryVerifyResult => {
    const r = verifyUnderMemory(model, { fixes: options.fixes, memory, withoutBarriers: off, minimal: true, ...(options.scenarios ? { scenarios: options.scenarios } : {}) });
    options.onProgress?.(++done, total);
    return r;
  };
  const verdict = (r: MemoryVerifyResult): BarrierVerdict => ({
    verdict: r.verdict === 'violated' ? 'needed' : 'not needed',
    executions: r.executions,
    ...(r.counterexample ? { counterexample: r.counterexample } : {}),
  });
  const baseline = run(options.memory, []);
  const rows = barriers.map((b) => ({
    barrier: b.name,
    from: b.from,
    pairsWith: b.pairsWith,
    memory: verdict(run(options.memory, [b.name])),
    tso: verdict(run('tso', [b.name])),
  }));
  const pairRows = pairs.map((pair) => ({ barriers: pair, memory: verdict(run(options.memory, pair)) }));
  return { memory: options.memory, fixes: options.fixes, scenarios: baseline.scenarios, baseline, rows, pairs: pairRows };
}
