import { defineConfig } from 'vitest/config';

// The vitest config Stryker uses (stryker.config.mjs): the whole suite except the DPOR soundness
// test over 150 generated models (explore-dpor.test.ts), whose ~20 s become minutes under
// Stryker's instrumentation for every mutant it covers. test/mutation-dpor.test.ts runs the
// same differential check on the generated models with a small state space instead.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/explore-dpor.test.ts', '**/node_modules/**'],
    testTimeout: 60_000,
  },
});
