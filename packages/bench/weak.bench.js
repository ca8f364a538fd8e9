// Issue 19 item 7: verifying under the LKMM against verifying under sc, in one process, per catalogue
// scenario of the seqcount reader and pfncache (upstream variants): executions and time under
// each, and the ratio lkmm / sc. A scenario whose lkmm search has not ended within --cap seconds of
// work is reported as such (the weak explorer has no time limit of its own: the cap is checked
// between scenarios, and the slow scenarios of pfncache are those with an invalidation).
//   pnpm --filter @kvmrace/bench bench:weak [--cap 60] [--only refresh-vs-deactivate,...]
// Plain ESM over the built packages: run `pnpm build` first.
import { performance } from 'node:perf_hooks';
import { exploreWeak, verify } from '@kvmrace/core';
import { seqcountReader } from '@kvmrace/examples';
import { pfncache } from '@kvmrace/pfncache';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const only = opt('--only', '').split(',').filter(Boolean);
// pfncache's scenarios with an invalidation take minutes under lkmm (README): left out unless named.
const SLOW = new Set(['refresh-vs-invalidate', 'use-vs-invalidate', 'refresh-vs-deactivate-vs-invalidate', 'use-vs-deactivate-activate-vs-invalidate']);

const rows = [];
for (const model of [seqcountReader, pfncache]) {
  for (const s of model.scenarios.catalogue) {
    if (only.length ? !only.includes(s.name) : SLOW.has(s.name)) continue;
    const fixes = model.upstreamFixes;
    // Warm both up once (the JIT), then time one run of each.
    verify(model, { fixes, scenarios: [s.threads] });
    const t0 = performance.now();
    const sc = verify(model, { fixes, scenarios: [s.threads] });
    const t1 = performance.now();
    const weak = exploreWeak(model, new Set(fixes), s.threads, { memory: 'lkmm' });
    const t2 = performance.now();
    rows.push({ model: model.name, scenario: s.name, sc: `${sc.verdict}, ${sc.executions} executions, ${(t1 - t0).toFixed(0)} ms`, lkmm: `${weak.failures ? 'violated' : 'holds'}, ${weak.executions} runs (${weak.distinct} graphs), ${(t2 - t1).toFixed(0)} ms`, ratio: ((t2 - t1) / Math.max(1, t1 - t0)).toFixed(1) });
  }
}
console.table(rows);
const skipped = [...SLOW].filter((s) => !only.includes(s));
if (skipped.length) console.log(`not run (minutes each under lkmm; name them with --only): pfncache ${skipped.join(', ')}`);
