import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextSwitches, type AnyModel, type Scenario } from '@kvmrace/core';
import { findMinimalRace, noRace, raceReport } from '../src/index.js';

/** The shape every seed's minimised counterexample must have. */
export interface MinimalShape {
  readonly threads: number;
  readonly operations: number;
  /** Engine preemptions: switches away from a thread that could have gone on. */
  readonly preemptions: number;
  /** Context switches of any kind (what PROTOCOLS.md counts). */
  readonly switches: number;
  /** The scenario, when the minimum is a single one. */
  readonly scenario?: Scenario;
  /** The failure, `kind` or `violation:INVARIANT`. */
  readonly failure?: string;
}

/** The property suite of one model: the fixed variant (or `fixedVariant`) holds for 2,000 runs; buggy shrinks to `shape` on 20 seeds. */
export function modelSuite(model: AnyModel, shape: MinimalShape, opts: { fixedRuns?: number; seeds?: number; fixedVariant?: string } = {}): void {
  const fixed = opts.fixedVariant ?? 'fixed';
  describe(`${model.name} properties`, () => {
    it(`${fixed} holds for ${opts.fixedRuns ?? 2_000} runs`, () => {
      fc.assert(noRace(model, { variant: fixed }), { numRuns: opts.fixedRuns ?? 2_000, seed: 2026 });
    });

    it(`buggy shrinks to ${shape.threads} threads, ${shape.operations} operations, ${shape.preemptions} preemptions, ${shape.switches} switches on every seed`, () => {
      for (let seed = 1; seed <= (opts.seeds ?? 20); seed++) {
        const r = findMinimalRace(model, { variant: 'buggy', seed });
        expect(r.found, `seed ${seed}`).toBe(true);
        const cx = r.counterexample!;
        const got = { threads: cx.threads, operations: cx.operations, preemptions: cx.preemptions, switches: contextSwitches(cx.schedule) };
        expect(got, `seed ${seed}:\n${raceReport(r)}`).toEqual({ threads: shape.threads, operations: shape.operations, preemptions: shape.preemptions, switches: shape.switches });
        if (shape.scenario) expect(cx.scenario, `seed ${seed}`).toEqual(shape.scenario);
        if (shape.failure) {
          const sig = cx.outcome.kind === 'violation' ? `violation:${cx.outcome.invariant}` : cx.outcome.kind;
          expect(sig, `seed ${seed}`).toBe(shape.failure);
        }
        expect(cx.engine).toBe('fast-check');
      }
    });
  });
}
