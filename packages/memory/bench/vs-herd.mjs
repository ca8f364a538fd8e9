#!/usr/bin/env node
// kvmrace beside herd7 over the corpus under the LKMM, in one run (issue 19 item 7): `kvmrace
// litmus <corpus>` (one process: start, import, parse, check, print) against herd7 over the same
// files in one process and in one process per file; and, per test, kvmrace's check against
// herd7's check alone. Rounds alternate the tools, and each figure is the best of its rounds, so
// that the other jobs of a shared machine weigh less. Needs the built CLI and bundle; says so and
// exits 0 when herd7 is missing.
//
//   node packages/memory/bench/vs-herd.mjs [--rounds N] [--wall] [--all]
//
// Times are CPU times (a loaded machine stretches wall time, not CPU time): a process's by `perf
// stat -e task-clock` (every thread: Node's compiler and GC threads count), kvmrace's check of a
// test by process.cpuUsage() around it. `--wall` (or no perf) times wall clock instead.
// herd7's check alone: its time on the file less its time on a test with one write (the start, and
// reading the model's .cat files) run just before it, the median of the rounds' differences (a
// difference of two noisy times: its noise goes both ways), floored at 1 ms (below that the
// subtraction is noise). herd7 also prints a `Time` line, but in steps of 10 ms, and 0.00 for most of these
// tests. kvmrace's check of a test is taken in one fresh process checking the whole corpus in
// order, as `kvmrace litmus` does: cold, the first tests paying for the compiler's warm-up.
// `--all` lists every test.
import { spawnSync } from 'node:child_process';
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
const argValue = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const rounds = argValue('--rounds', 5);
const listAll = process.argv.includes('--all');
const files = readdirSync(corpus).filter((f) => f.endsWith('.litmus')).sort().map((f) => join(corpus, f));
const trivial = join(mkdtempSync(join(tmpdir(), 'vs-herd-')), 'one-write.litmus');
writeFileSync(trivial, 'C one-write\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1);\n}\nexists (x=1)\n');

const perfWorks = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', 'true'], { encoding: 'utf8' }).status === 0;
const useCpu = perfWorks && !process.argv.includes('--wall');

/** Runs a command to its end (exit 0 wanted) and returns its time in ms: CPU (perf task-clock) or wall. */
function timed(command, args) {
  const argv = useCpu ? ['stat', '-x,', '-e', 'task-clock', command, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(useCpu ? 'perf' : command, argv, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} ${args.slice(0, 2).join(' ')} ...: exit ${r.status}\n${r.stderr}`);
  if (!useCpu) return wallMs;
  // perf's CSV line: `51.94,msec,task-clock,...`, the last line of stderr.
  const line = r.stderr.trim().split('\n').findLast((l) => l.includes(',task-clock'));
  return Number(line.split(',')[0]);
}

/** kvmrace's check time of each test, in one fresh process over the whole corpus (the CLI's loop). */
function kvmraceCheckTimes() {
  const script = `
    import { readFileSync } from 'node:fs';
    const { parseLitmus, checkLitmus } = await import(${JSON.stringify(bundle)});
    const cpu = ${useCpu} ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
    const times = {};
    for (const f of ${JSON.stringify(files)}) {
      const test = parseLitmus(readFileSync(f, 'utf8'), f);
      const t0 = cpu();
      checkLitmus(test, { memory: 'lkmm' });
      times[f] = cpu() - t0;
    }
    process.stdout.write(JSON.stringify(times));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`kvmrace check times: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const best = { kvm: Infinity, herdOne: Infinity, herdEach: Infinity, herdTrivial: Infinity };
/** Each round's herd7 time on the file less its time on the one-write test just before. */
const herdDiffs = new Map(files.map((f) => [f, []]));
const kvmCheck = new Map(files.map((f) => [f, Infinity]));
for (let r = 0; r < rounds; r++) {
  best.kvm = Math.min(best.kvm, timed(process.execPath, [cli, 'litmus', corpus]));
  best.herdOne = Math.min(best.herdOne, timed(herd, files));
  let each = 0;
  for (const f of files) {
    const base = timed(herd, [trivial]);
    best.herdTrivial = Math.min(best.herdTrivial, base);
    const ms = timed(herd, [f]);
    each += ms;
    herdDiffs.get(f).push(ms - base);
  }
  best.herdEach = Math.min(best.herdEach, each);
  for (const [f, ms] of Object.entries(kvmraceCheckTimes())) kvmCheck.set(f, Math.min(kvmCheck.get(f), ms));
}

const ratio = (a, b) => `${(a / b).toFixed(1)}x`;
const clock = useCpu ? 'CPU time' : 'wall time';
console.log(`${files.length} corpus tests, LKMM, best of ${rounds} alternating rounds (${clock}, process start included)`);
console.log(`kvmrace litmus <corpus>, one process: ${best.kvm.toFixed(0)} ms`);
console.log(`herd7, one process over the files:   ${best.herdOne.toFixed(0)} ms  (${ratio(best.herdOne, best.kvm)} kvmrace's)`);
console.log(`herd7, one process per file:         ${best.herdEach.toFixed(0)} ms  (${ratio(best.herdEach, best.kvm)} kvmrace's)`);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const perTest = files.map((f) => {
  const herdCheck = Math.max(median(herdDiffs.get(f)), 1);
  return { name: f.slice(corpus.length + 1, -'.litmus'.length), kvm: kvmCheck.get(f), herd: herdCheck, ratio: kvmCheck.get(f) / herdCheck };
});
const show = (t) => `${t.name} ${t.kvm.toFixed(1)}/${t.herd.toFixed(1)} ms (${t.ratio.toFixed(2)}x)`;
if (listAll) for (const t of perTest) console.log(`  ${show(t)}`);
perTest.sort((a, b) => b.ratio - a.ratio);
const sum = (key) => perTest.reduce((s, t) => s + t[key], 0);
console.log(`herd7 on a one-write test: ${best.herdTrivial.toFixed(0)} ms; its check alone over the corpus: ${sum('herd').toFixed(0)} ms, kvmrace's checks: ${sum('kvm').toFixed(0)} ms`);
console.log(`per test, kvmrace's check / herd7's check alone, highest: ${perTest.slice(0, 5).map(show).join(', ')}`);
console.log(`tests whose check is more than 2x herd7's: ${perTest.filter((t) => t.ratio > 2).length} of ${perTest.length}`);
