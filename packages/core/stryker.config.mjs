// StrykerJS mutation testing of @kvmrace/core (issue #11).
// Run: pnpm --filter @kvmrace/core mutation   (or: cd packages/core && pnpm exec stryker run stryker.config.mjs)
// Not mutated: render/** and describe-value.ts (pure text/SVG rendering), and files that only declare
// types, classes or re-exports (index.ts, trace.ts, sim-object.ts, faults.ts).

import { appendFileSync, mkdirSync } from 'node:fs';

const LIVE_LOG = 'reports/mutation/live.jsonl';

/**
 * Writes every mutant that is not killed to reports/mutation/live.jsonl as soon as it is tested (one
 * JSON line each), so survivors can be worked on during a run of an hour or more; the final
 * reports only come at the end. The config file is its own plugin module (see `plugins`).
 */
class LiveSurvivors {
  static inject = [];
  constructor() {
    mkdirSync('reports/mutation', { recursive: true });
    appendFileSync(LIVE_LOG, `${JSON.stringify({ start: new Date().toISOString() })}\n`);
  }
  onMutantTested(m) {
    if (m.status === 'Killed') return;
    const { fileName, location, mutatorName, replacement, status, id } = m;
    appendFileSync(LIVE_LOG, `${JSON.stringify({ id, status, file: fileName.replace(/^.*?\/src\//, 'src/'), line: location.start.line, col: location.start.column, mutatorName, replacement })}\n`);
  }
}
export const strykerPlugins = [{ kind: 'Reporter', name: 'live-survivors', injectableClass: LiveSurvivors }];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner', './stryker.config.mjs'],
  vitest: { configFile: 'vitest.stryker.config.ts' },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/{run,compiled-model,invariant-check,fault-outcome,trace-step,execute,thread,step,world,token,prng,waits-for,schedule,scenario,model,variant,outcome,counterexample,hunt}.ts',
    'src/primitives/**/*.ts',
    'src/strategies/**/*.ts',
    'src/explore/**/*.ts',
  ],
  // Only what the tests need goes into the sandbox.
  ignorePatterns: ['dist', 'bench', 'reports', 'coverage', '.turbo'],
  // 2 cores shared by several sessions.
  concurrency: 2,
  // Static mutants (module-level constants) need a full re-run of every test each; skip them.
  ignoreStatic: true,
  // A mutant's time limit is timeoutFactor x (its covering tests' time in the dry run) + timeoutMS:
  // room for a loaded machine, without making every infinite-loop mutant cost minutes.
  timeoutMS: 8000,
  timeoutFactor: 1.5,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress', 'html', 'json', 'live-survivors'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 90, low: 85, break: null },
};
