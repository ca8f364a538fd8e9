#!/usr/bin/env node
// Time of `checkLitmus` over the corpus, in one process, after one warm-up pass: the mean per test
// and the slowest tests, for each memory model. Needs `pnpm --filter @kvmrace/memory build`.
//
//   node packages/memory/bench/corpus.bench.mjs [--rounds N]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLitmus, parseLitmus } from '../dist/bundle.js';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, '../corpus');
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const tests = readdirSync(corpus).filter((f) => f.endsWith('.litmus')).sort().map((f) => ({ f, text: readFileSync(join(corpus, f), 'utf8') }));

for (const memory of ['lkmm', 'sc', 'tso']) {
  for (const { f, text } of tests) checkLitmus(parseLitmus(text, f), { memory }); // warm-up
  const times = new Map();
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const { f, text } of tests) {
      const t0 = performance.now();
      checkLitmus(parseLitmus(text, f), { memory });
      times.set(f, Math.min(times.get(f) ?? Infinity, performance.now() - t0));
    }
  }
  const mean = (performance.now() - start) / rounds / tests.length;
  const slowest = [...times].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([f, ms]) => `${f} ${ms.toFixed(2)} ms`);
  console.log(`${memory}: ${tests.length} tests, mean ${mean.toFixed(2)} ms a test; slowest: ${slowest.join(', ')}`);
}
