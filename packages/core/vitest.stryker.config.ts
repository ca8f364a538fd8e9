import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Test files by cost under Stryker's instrumentation, cheapest first. Stryker stops a mutant's run
 * at its first failing test (bail), so running the cheap unit tests first kills most mutants before
 * the expensive differential and determinism tests start. Files not listed run first.
 */
const COST_ORDER = [
  'swimlane', 'mutation-run', 'mutation-devices', 'mutation-footprint', 'mutation-state-key', 'srcu-mmu-irq', 'mutation-primitives', 'fix-hunk-mutation', 'mutation-api',
  'outcomes', 'primitives', 'mutation-search', 'explore-stateful', 'mutation-sim', 'explore-verify', 'mutation-explore', 'lost-update', 'engine',
  'dpor-redundant', 'mutation-dpor',
];

class CheapFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => COST_ORDER.findIndex((name) => f.moduleId.endsWith(`/${name}.test.ts`));
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

// The vitest config Stryker uses (stryker.config.mjs): the whole suite except the DPOR soundness
// test over 150 generated models (explore-dpor.test.ts), whose ~20 s become minutes under
// Stryker's instrumentation for every mutant it covers. test/mutation-dpor.test.ts runs the
// same differential checks on the generated models with a small state space instead.
export default defineConfig({
  test: {
    // Every test file, so that a new one is never silently left out of the score (run scratch
    // measurements outside test/ while Stryker runs: the sandbox copies test/).
    include: ['test/**/*.test.ts'],
    exclude: ['test/explore-dpor.test.ts', '**/node_modules/**'],
    testTimeout: 240_000,
    sequence: { sequencer: CheapFirst },
  },
});
