import { verify, verifyEngineFor, type AnyModel } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';
import type { ModelReport, VariantRow } from '../report/report-data.js';

/** The memory model every verdict of the report is under, unless a row says otherwise. */
export const MEMORY = 'memory model sc';

/** The upstream variant verified over the whole catalogue: the report's section and its variant row. */
export interface UpstreamCheck {
  readonly verify: ModelReport['verify'];
  readonly row: VariantRow;
  /** How the catalogue was searched (shared with the proposals' verifications). */
  readonly method: string;
  readonly catalogue: ReadonlyArray<readonly (readonly string[])[]>;
}

/** Verifies the upstream variant (the fix as merged) over every interleaving of the catalogue. */
export function verifyUpstream(model: AnyModel): UpstreamCheck {
  const catalogue = model.scenarios.catalogue.map((s) => s.threads);
  const method = `${verifyEngineFor(model) === 'stateful' ? 'stateful search' : 'DPOR'} over ${catalogue.length} catalogue scenarios, every interleaving`;
  const t0 = performance.now();
  const upstream = verify(model, { fixes: model.upstreamFixes, scenarios: catalogue });
  const ms = Math.round(performance.now() - t0);
  return {
    method,
    catalogue,
    verify: { verdict: upstream.verdict, method, executions: upstream.executions, ms, ...(upstream.counterexample ? { counterexample: upstream.counterexample } : {}) },
    row: {
      variant: 'upstream',
      role: 'upstream',
      fixes: model.upstreamFixes,
      expected: 'holds',
      result: upstream.verdict,
      asExpected: upstream.verdict === 'holds',
      covered: `${upstream.scenarios} scenarios, ${upstream.executions} executions, every interleaving, ${MEMORY}`,
    },
  };
}
