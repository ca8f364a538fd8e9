#!/usr/bin/env node
// kvmrace beside herd7 over the corpus, in one run (issue 19 item 7): the wall time of one kvmrace
// process (start, import, parse and check every test under the LKMM) against one herd7 process over
// the same files and against one herd7 process per file, and, per test, kvmrace's check time
// against herd7's own (`Time` line, which herd rounds to 10 ms). Needs the built bundle; says so
// and exits 0 when herd7 is missing.
//
//   node packages/memory/bench/vs-herd.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findHerd, parseHerdOutput } from '../scripts/herd-output.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, '../corpus');
const herd = findHerd();
if (!herd) {
  console.log('vs-herd: herd7 not found (../shared/herd/herd7-lkmm or $HERD7_LKMM): nothing compared');
  process.exit(0);
}
const files = readdirSync(corpus).filter((f) => f.endsWith('.litmus')).sort().map((f) => join(corpus, f));

const wall = (fn) => {
  const t0 = performance.now();
  const out = fn();
  return { ms: performance.now() - t0, out };
};

const kvm = wall(() =>
  spawnSync(process.execPath, ['-e', `
    import('${join(here, '../dist/bundle.js')}').then(({ parseLitmus, checkLitmus }) => {
      const { readFileSync } = require('node:fs');
      const times = {};
      for (const f of ${JSON.stringify(files)}) {
        const t0 = performance.now();
        const r = checkLitmus(parseLitmus(readFileSync(f, 'utf8'), f), { memory: 'lkmm' });
        times[r.name] = performance.now() - t0;
      }
      process.stdout.write(JSON.stringify(times));
    });`], { encoding: 'utf8' }),
);
const kvmTimes = JSON.parse(kvm.out.stdout);
const herdOne = wall(() => execFileSync(herd, files, { encoding: 'utf8', maxBuffer: 1 << 28 }));
const herdTests = parseHerdOutput(herdOne.out);
const herdEach = wall(() => { for (const f of files) execFileSync(herd, [f], { encoding: 'utf8' }); });

console.log(`${files.length} corpus tests, LKMM`);
console.log(`kvmrace, one process:        ${kvm.ms.toFixed(0)} ms`);
console.log(`herd7, one process:          ${herdOne.ms.toFixed(0)} ms  (${(herdOne.ms / kvm.ms).toFixed(1)}x kvmrace)`);
console.log(`herd7, one process per test: ${herdEach.ms.toFixed(0)} ms  (${(herdEach.ms / kvm.ms).toFixed(1)}x kvmrace)`);
// herd7 prints its check time in steps of 10 ms: a test it reports as 0.00 is taken as 5 ms.
const worst = Object.entries(kvmTimes)
  .map(([name, ms]) => ({ name, ms, herdMs: Math.max((herdTests.get(name)?.time ?? 0) * 1000, 5) }))
  .sort((a, b) => b.ms / b.herdMs - a.ms / a.herdMs)
  .slice(0, 5);
console.log(`highest ratios of kvmrace's check to herd7's: ${worst.map((w) => `${w.name} ${w.ms.toFixed(1)}/${w.herdMs.toFixed(0)} ms`).join(', ')}`);
