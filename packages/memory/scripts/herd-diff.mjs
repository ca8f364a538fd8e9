#!/usr/bin/env node
// Differential testing of kvmrace's LKMM against herd7 (issue 19, item 6).
//
//   node packages/memory/scripts/herd-diff.mjs --count 10000 --seed 1 [--jobs 1] [--keep DIR]
//   node packages/memory/scripts/herd-diff.mjs --dir packages/memory/corpus [--keep DIR]
//
// Generates `count` tests with gen-litmus.mjs (or reads every .litmus file of --dir), runs herd7 on
// them in batches (many files per herd7 process, up to --jobs processes at once), runs kvmrace in
// this process (`parseLitmus`/`checkLitmus` from packages/memory/dist/bundle.js, memory lkmm), and
// compares the whole set of reachable final states and the data-race flag of every test. Each
// difference is written to --keep (the test, and both state sets); exit 1 on any difference, 2 when
// herd7 or the built bundle is missing. Plain Node, no dependencies.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateLitmus, parseArgs } from './gen-litmus.mjs';
import { canonicalStates, diffStates, findHerd, parseHerdOutput } from './herd-output.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = parseArgs(process.argv.slice(2), {
  count: 1000, seed: 1, start: 0, jobs: 1, batch: 100, keep: '', dir: '', herd: '', bundle: '', 'test-timeout': 120,
});

const herd = args.herd || findHerd();
if (!herd) {
  console.error('herd-diff: herd7 not found (../shared/herd/herd7-lkmm beside the clone, or $HERD7_LKMM)');
  process.exit(2);
}
const bundle = resolve(args.bundle || resolve(here, '../dist/bundle.js'));
if (!existsSync(bundle)) {
  console.error(`herd-diff: ${bundle} is missing: run \`pnpm --filter @kvmrace/memory build\` first`);
  process.exit(2);
}
const { parseLitmus, checkLitmus } = await import(pathToFileURL(bundle).href);

/** The tests, as { name, text }, generated or read from --dir. */
function* tests() {
  if (args.dir) {
    for (const f of readdirSync(args.dir).filter((n) => n.endsWith('.litmus')).sort()) {
      const text = readFileSync(join(args.dir, f), 'utf8');
      yield { name: /^C\s+(\S+)/m.exec(text)?.[1] ?? basename(f, '.litmus'), text, file: f };
    }
    return;
  }
  for (let i = args.start; i < args.start + args.count; i++) {
    const t = generateLitmus(args.seed, i);
    yield { ...t, file: `${t.name}.litmus` };
  }
}

/** Runs herd7 on `files`; resolves to its stdout, stderr and whether it ended in time. */
function runHerd(files, timeoutSeconds) {
  return new Promise((resolvePromise) => {
    const child = spawn(herd, files, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => { stdout += s; });
    child.stderr.setEncoding('utf8').on('data', (s) => { stderr += s; });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutSeconds * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code, timedOut });
    });
  });
}

/**
 * herd7's results for one batch. herd7 stops at the first test it rejects, and a slow test holds up
 * the rest, so tests missing from a batch's output are run again one at a time.
 */
async function herdBatch(batch, dir) {
  const files = batch.map((t) => join(dir, t.file));
  const started = performance.now();
  const run = await runHerd(files, args['test-timeout'] * Math.max(2, Math.ceil(batch.length / 10)));
  const results = parseHerdOutput(run.stdout);
  const problems = new Map(); // name -> 'timeout' | error text
  for (const t of batch) {
    if (results.has(t.name) && results.get(t.name).observation) continue;
    results.delete(t.name);
    const one = await runHerd([join(dir, t.file)], args['test-timeout']);
    const r = parseHerdOutput(one.stdout).get(t.name);
    if (r?.observation) results.set(t.name, r);
    else problems.set(t.name, one.timedOut ? 'herd7 timed out' : `herd7 failed: ${one.stderr.trim().split('\n').pop()}`);
  }
  return { results, problems, ms: performance.now() - started };
}

/** kvmrace's result for one test: canonical states and data-race flag, or the error it threw. */
function kvmrace(t) {
  const started = performance.now();
  try {
    const result = checkLitmus(parseLitmus(t.text, t.file), { memory: 'lkmm' });
    return { states: canonicalStates(result.states), race: result.flags.includes('data-race'), ms: performance.now() - started };
  } catch (e) {
    return { error: `${e?.name ?? 'Error'}: ${e?.message ?? e}`, ms: performance.now() - started };
  }
}

function keepDifference(t, herdResult, ours, why) {
  if (!args.keep) return;
  mkdirSync(args.keep, { recursive: true });
  writeFileSync(join(args.keep, t.file), t.text);
  const lines = [`test: ${t.name}`, `difference: ${why}`, ''];
  if (herdResult) {
    lines.push(`herd7 flags: ${herdResult.flags.join(', ') || '(none)'}`, `herd7 states (${herdResult.states.length}):`, ...herdResult.states.map((s) => `  ${s}`), '');
  }
  if (ours.error) lines.push(`kvmrace error: ${ours.error}`);
  else {
    lines.push(`kvmrace data-race: ${ours.race}`, `kvmrace states (${ours.states.length}):`, ...ours.states.map((s) => `  ${s}`));
    if (herdResult) {
      const d = diffStates(herdResult.states, ours.states);
      lines.push('', 'only herd7:', ...d.onlyA.map((s) => `  ${s}`), 'only kvmrace:', ...d.onlyB.map((s) => `  ${s}`));
    }
  }
  writeFileSync(join(args.keep, `${basename(t.file, '.litmus')}.txt`), `${lines.join('\n')}\n`);
}

const work = mkdtempSync(join(tmpdir(), 'kvmrace-herd-diff-'));
const all = [...tests()];
const batches = [];
for (let i = 0; i < all.length; i += args.batch) batches.push(all.slice(i, i + args.batch));
const totals = { tests: 0, agree: 0, differ: 0, herdSkipped: 0, herdWallMs: 0, herdCheckS: 0, kvmraceMs: 0, otherFlags: 0 };
const differences = [];
const started = performance.now();
console.log(`herd-diff: ${all.length} tests${args.dir ? ` from ${args.dir}` : `, seed ${args.seed}`}, ${batches.length} batches of ${args.batch}, ${args.jobs} herd7 process(es) at once`);

// Up to --jobs herd7 batches in flight; kvmrace checks each batch here while herd7 runs.
const inFlight = new Map();
const launch = (k) => {
  const dir = join(work, `b${k}`);
  mkdirSync(dir);
  for (const t of batches[k]) writeFileSync(join(dir, t.file), t.text);
  inFlight.set(k, herdBatch(batches[k], dir).finally(() => rmSync(dir, { recursive: true, force: true })));
};
let next = 0;
for (; next < Math.min(args.jobs, batches.length); next++) launch(next);
for (let k = 0; k < batches.length; k++) {
  const ours = batches[k].map(kvmrace);
  const h = await inFlight.get(k);
  inFlight.delete(k);
  if (next < batches.length) launch(next++);
  totals.herdWallMs += h.ms;
  batches[k].forEach((t, i) => {
    const o = ours[i];
    totals.tests++;
    totals.kvmraceMs += o.ms;
    const r = h.results.get(t.name);
    if (!r) {
      totals.herdSkipped++;
      keepDifference(t, null, o, h.problems.get(t.name) ?? 'herd7 gave no result');
      console.log(`  ${t.name}: not compared (${h.problems.get(t.name)})`);
      return;
    }
    totals.herdCheckS += r.time;
    if (r.flags.some((f) => f !== 'data-race')) totals.otherFlags++;
    let why = null;
    if (o.error) why = `kvmrace threw ${o.error}`;
    else {
      const d = diffStates(r.states, o.states);
      const herdRace = r.flags.includes('data-race');
      if (d.onlyA.length || d.onlyB.length) why = `states: ${d.onlyA.length} only in herd7, ${d.onlyB.length} only in kvmrace`;
      else if (herdRace !== o.race) why = `data-race flag: herd7 ${herdRace}, kvmrace ${o.race}`;
    }
    if (why) {
      totals.differ++;
      differences.push(`${t.name}: ${why}`);
      keepDifference(t, r, o, why);
      console.log(`  DIFF ${t.name}: ${why}`);
    } else totals.agree++;
  });
  const s = (performance.now() - started) / 1000;
  console.log(`[${totals.tests}/${all.length}] agree ${totals.agree}, differ ${totals.differ}, not compared ${totals.herdSkipped}; herd7 ${(totals.herdWallMs / 1000).toFixed(1)} s, kvmrace ${(totals.kvmraceMs / 1000).toFixed(1)} s, ${s.toFixed(0)} s elapsed`);
}
rmSync(work, { recursive: true, force: true });

console.log('');
console.log(`tests            ${totals.tests}${args.dir ? ` (${args.dir})` : ` (seed ${args.seed}, from ${args.start})`}`);
console.log(`agreements       ${totals.agree}`);
console.log(`differences      ${totals.differ}${args.keep && totals.differ ? ` (kept in ${args.keep})` : ''}`);
console.log(`not compared     ${totals.herdSkipped} (herd7 gave no result)`);
console.log(`herd7            ${(totals.herdWallMs / 1000).toFixed(1)} s wall over its batches (its own check time ${totals.herdCheckS.toFixed(1)} s)`);
console.log(`kvmrace          ${(totals.kvmraceMs / 1000).toFixed(1)} s in process (parse + check, lkmm)`);
console.log(`other herd flags ${totals.otherFlags} tests (e.g. mixed-accesses; not compared)`);
if (differences.length) {
  console.log('');
  for (const d of differences.slice(0, 50)) console.log(`  ${d}`);
  if (differences.length > 50) console.log(`  ... and ${differences.length - 50} more`);
}
process.exit(totals.differ > 0 || totals.herdSkipped > 0 ? 1 : 0);
