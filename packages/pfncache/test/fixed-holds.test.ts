import { describe, expect, it } from 'vitest';
import { pfncache } from '../src/index.js';
import { CLAIMED, randomHolds, WITHOUT_INVALIDATE } from './fixed-checks.js';

const RUNS = 100_000;

describe('the variants that hold', () => {
  it(`upstream survives ${RUNS.toLocaleString('en')} random schedules of the whole catalogue`, () => {
    expect(CLAIMED).toHaveLength(pfncache.scenarios.catalogue.length);
    randomHolds.run(pfncache.upstreamFixes);
  });

  it(`all (upstream and the rework) survives ${RUNS.toLocaleString('en')} random schedules of the catalogue scenarios without an invalidate thread`, () => {
    // With an invalidate thread the rework's hunk breaks I_E2 even with the upstream fix on:
    // see rework-vs-invalidate.test.ts.
    expect(WITHOUT_INVALIDATE.map((s) => s.name)).toEqual(['refresh-vs-deactivate', 'refresh-vs-deactivate-activate', 'use-vs-deactivate-activate']);
    randomHolds.run(pfncache.fixNames, WITHOUT_INVALIDATE.map((s) => s.threads));
  });
});
