import fc from 'fast-check';
import type { AnyModel, Scenario } from '@kvmrace/core';

/** Options of `scenarioArbitrary`. */
export interface ScenarioArbitraryOptions {
  /** Most threads (default and cap: the model's `maxThreads`). */
  readonly threads?: number;
  /** Most operations in the whole scenario (default and cap: the model's `maxOps`). */
  readonly maxOps?: number;
  /**
   * Weight of the model's hand-written catalogue against generated scenarios (default 1 to 1;
   * 0 leaves the catalogue out). Catalogue entries are listed smallest first, and fast-check's
   * `constantFrom` shrinks towards the first one.
   */
  readonly catalogueWeight?: number;
}

/** One generated operation: which thread slot runs it. */
interface Placed {
  readonly thread: number;
  readonly op: string;
}

/** The bounds a scenario must respect, from the model and the options. */
export function scenarioBounds(model: AnyModel, opts: ScenarioArbitraryOptions = {}): { minThreads: number; maxThreads: number; maxOps: number; maxOpsPerThread: number } {
  const sp = model.scenarios;
  const maxThreads = Math.max(1, Math.min(opts.threads ?? sp.maxThreads, sp.maxThreads));
  const maxOps = Math.max(1, Math.min(opts.maxOps ?? sp.maxOps, sp.maxOps));
  const minThreads = Math.min(sp.minThreads ?? 1, maxThreads);
  return { minThreads, maxThreads, maxOps, maxOpsPerThread: sp.maxOpsPerThread };
}

/** True when the scenario fits the model's scenario space (counts, per-operation caps, `allowed`). */
export function scenarioAllowed(model: AnyModel, scenario: Scenario, opts: ScenarioArbitraryOptions = {}): boolean {
  const b = scenarioBounds(model, opts);
  if (scenario.length < b.minThreads || scenario.length > b.maxThreads) return false;
  let total = 0;
  const per = new Map<string, number>();
  for (const ops of scenario) {
    if (ops.length === 0 || ops.length > b.maxOpsPerThread) return false;
    total += ops.length;
    for (const op of ops) {
      const n = (per.get(op) ?? 0) + 1;
      per.set(op, n);
      const cap = model.operations[op]?.maxPerScenario;
      if (cap === undefined ? !model.operations[op] : n > cap) return false;
    }
  }
  if (total > b.maxOps) return false;
  return model.scenarios.allowed ? model.scenarios.allowed(scenario) : true;
}

/**
 * Builds a scenario from placed operations, leniently: operations over a per-thread or
 * per-operation cap are dropped, empty threads vanish and the rest are renumbered in order.
 */
function build(model: AnyModel, placed: readonly Placed[], maxOpsPerThread: number): Scenario {
  const slots = new Map<number, string[]>();
  const per = new Map<string, number>();
  for (const { thread, op } of placed) {
    const n = (per.get(op) ?? 0) + 1;
    const cap = model.operations[op]?.maxPerScenario;
    if (cap !== undefined && n > cap) continue;
    const ops = slots.get(thread) ?? [];
    if (ops.length >= maxOpsPerThread) continue;
    per.set(op, n);
    ops.push(op);
    slots.set(thread, ops);
  }
  return [...slots.keys()].sort((a, b) => a - b).map((k) => slots.get(k) as string[]);
}

/**
 * Scenarios of a model: a list of (thread slot, operation) pairs, grouped into threads. It is
 * fast-check's model-based-commands idea with the model's bounds as preconditions (`check`), in
 * a form whose shrinking is plain array shrinking: removing a pair removes an operation, and a
 * thread vanishes with its last operation or when its slot shrinks onto a lower one. Operations
 * shrink towards the first declared. Scenarios breaking `minThreads` or `allowed` are filtered.
 */
export function scenarioArbitrary(model: AnyModel, opts: ScenarioArbitraryOptions = {}): fc.Arbitrary<Scenario> {
  const b = scenarioBounds(model, opts);
  const ops = model.operationNames;
  const generated = fc
    .array(fc.record({ thread: fc.nat({ max: b.maxThreads - 1 }), op: fc.constantFrom(...ops) }), { minLength: 1, maxLength: b.maxOps })
    .map((placed) => build(model, placed, b.maxOpsPerThread))
    .filter((s) => scenarioAllowed(model, s, opts));
  const weight = opts.catalogueWeight ?? 1;
  const catalogue = model.scenarios.catalogue.map((s) => s.threads).filter((s) => scenarioAllowed(model, s, opts));
  if (weight <= 0 || catalogue.length === 0) return generated;
  return fc.oneof({ arbitrary: fc.constantFrom(...catalogue), weight }, { arbitrary: generated, weight: 1 });
}
