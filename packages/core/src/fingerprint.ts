import type { AnyModel } from './model.js';
import type { Outcome } from './outcome.js';
import { checksum } from './token.js';
import type { TraceEntry } from './trace.js';

/**
 * A short hash of what a replay depends on that a token does not carry: the model's operations,
 * fixes, invariants, scenario space and step budget. Two versions of a model that differ in any of
 * these give different fingerprints, so a token is not silently replayed against the other. The
 * code itself is not hashed (its text differs between a bundle and the TypeScript a test runs);
 * `runDigest` catches a changed program instead, by what its run does.
 */
export function modelFingerprint(model: AnyModel): string {
  const s = model.scenarios;
  return checksum(
    JSON.stringify([
      model.name,
      model.operationNames,
      model.fixNames,
      model.invariants.map((i) => [i.name, i.at ?? 'always', i.when !== undefined]),
      [s.minThreads ?? 1, s.maxThreads, s.maxOpsPerThread, s.maxOps],
      model.stepBudget,
    ]),
  );
}

/** A short hash of a traced run: every step's thread, function and label, and how it ended. */
export function runDigest(trace: readonly TraceEntry[], outcome: Outcome): string {
  const parts: string[] = [];
  for (const e of trace) parts.push(`${e.thread}|${e.fn}|${e.label}`);
  parts.push(`${outcome.kind}|${outcome.invariant ?? ''}|${outcome.step}`);
  return checksum(parts.join('\n'));
}
