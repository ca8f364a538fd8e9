#!/usr/bin/env node
// kvmrace beside herd7 over the corpus under the LKMM, in one run (issue 19 item 7): the wall time
// of `kvmrace litmus <corpus>` (one process: start, import, parse, check, print) against herd7 over
// the same files in one process and in one process per file; and, per test, kvmrace's check time
// against herd7's check alone. Rounds alternate the tools, and each figure is the best of its
// rounds, so that the other jobs of a shared machine weigh less. Needs the built CLI and bundle;
// says so and exits 0 when herd7 is missing.
//
//   node packages/memory/bench/vs-herd.mjs [--rounds N]
//
// herd7's check alone: its wall time on the file less its wall time on a test with one write (the
// start, and reading the model's .cat files), best of the rounds. herd7 also prints a `Time` line,
// but in steps of 10 ms, and 0.00 for most of these tests. kvmrace's check time of a test is taken
// in one fresh process checking the whole corpus in order, as `kvmrace litmus` does.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findHerd } from '../scripts/herd-output.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, '../corpus');
const cli = join(here, '../../cli/dist/kvmrace.js');
const bundle = join(here, '../dist/bundle.js');
const herd = findHerd();
if (!herd) {
  console.log('vs-herd: herd7 not found (../shared/herd/herd7-lkmm or $HERD7_LKMM): nothing compared');
  process.exit(0);
}
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
const files = readdirSync(corpus).filter((f) => f.endsWith('.litmus')).sort().map((f) => join(corpus, f));
const trivial = join(mkdtempSync(join(tmpdir(), 'vs-herd-')), 'one-write.litmus');
writeFileSync(trivial, 'C one-write\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\nexists (x=1)\n');

const wall = (fn) => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};
const run = (command, args) => {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${command} ${args.slice(0, 2).join(' ')} ...: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
};

/** kvmrace's check time of each test, in one fresh process over the whole corpus (the CLI's loop). */
function kvmraceCheckTimes() {
  const script = `
    import { readFileSync } from 'node:fs';
    const { parseLitmus, checkLitmus } = await import(${JSON.stringify(bundle)});
    const times = {};
    for (const f of ${JSON.stringify(files)}) {
      const test = parseLitmus(readFileSync(f, 'utf8'), f);
      const t0 = performance.now();
      checkLitmus(test, { memory: 'lkmm' });
      times[f] = performance.now() - t0;
    }
    process.stdout.write(JSON.stringify(times));`;
  return JSON.parse(run(process.execPath, ['--input-type=module', '-e', script]));
}

const best = { kvm: Infinity, herdOne: Infinity, herdEach: Infinity, herdTrivial: Infinity };
const herdFile = new Map(files.map((f) => [f, Infinity]));
const kvmCheck = new Map(files.map((f) => [f, Infinity]));
for (let r = 0; r < rounds; r++) {
  best.kvm = Math.min(best.kvm, wall(() => run(process.execPath, [cli, 'litmus', corpus])));
  best.herdOne = Math.min(best.herdOne, wall(() => execFileSync(herd, files, { encoding: 'utf8', maxBuffer: 1 << 28 })));
  best.herdTrivial = Math.min(best.herdTrivial, wall(() => run(herd, [trivial])));
  let each = 0;
  for (const f of files) {
    const ms = wall(() => run(herd, [f]));
    each += ms;
    herdFile.set(f, Math.min(herdFile.get(f), ms));
  }
  best.herdEach = Math.min(best.herdEach, each);
  for (const [f, ms] of Object.entries(kvmraceCheckTimes())) kvmCheck.set(f, Math.min(kvmCheck.get(f), ms));
}

const ratio = (a, b) => `${(a / b).toFixed(1)}x`;
console.log(`${files.length} corpus tests, LKMM, best of ${rounds} alternating rounds (wall time, process start included)`);
console.log(`kvmrace litmus <corpus>, one process: ${best.kvm.toFixed(0)} ms`);
console.log(`herd7, one process over the files:   ${best.herdOne.toFixed(0)} ms  (${ratio(best.herdOne, best.kvm)} kvmrace's)`);
console.log(`herd7, one process per file:         ${best.herdEach.toFixed(0)} ms  (${ratio(best.herdEach, best.kvm)} kvmrace's)`);

// herd7's check alone, floored at 1 ms: below that the subtraction is noise.
const perTest = files.map((f) => {
  const herdCheck = Math.max(herdFile.get(f) - best.herdTrivial, 1);
  return { name: f.slice(corpus.length + 1, -'.litmus'.length), kvm: kvmCheck.get(f), herd: herdCheck, ratio: kvmCheck.get(f) / herdCheck };
});
perTest.sort((a, b) => b.ratio - a.ratio);
const sum = (key) => perTest.reduce((s, t) => s + t[key], 0);
console.log(`herd7 on a one-write test: ${best.herdTrivial.toFixed(0)} ms; its check alone over the corpus: ${sum('herd').toFixed(0)} ms, kvmrace's checks: ${sum('kvm').toFixed(0)} ms`);
console.log(`per test, kvmrace's check / herd7's check alone, highest: ${perTest.slice(0, 5).map((t) => `${t.name} ${t.kvm.toFixed(1)}/${t.herd.toFixed(1)} ms (${t.ratio.toFixed(2)}x)`).join(', ')}`);
console.log(`tests whose check is more than 2x herd7's: ${perTest.filter((t) => t.ratio > 2).length} of ${perTest.length}`);
