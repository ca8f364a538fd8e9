// The pfncache race (refresh vs deactivate) three ways: kvmrace's fast-check engine, fast-check's
// own fc.scheduler() driving the same steps as awaited scheduling points, and a naive random walk.
// Run after build: `pnpm --filter @kvmrace/bench bench`. Prints a markdown table.
// BENCH_SEEDS (default 20) seeds for the hunts; BENCH_ROUNDS (default 5) rounds for steps/s.
import fc from 'fast-check';
import { execute, RandomWalk, Run, contextSwitches } from '@kvmrace/core';
import { pfncache } from '@kvmrace/pfncache';
import { minimiseFailure, PreemptionPoints } from '@kvmrace/properties';
import { BUGGY, FIXED, kvmraceProperty, kvmraceThroughput, now, randomThroughput, SCENARIO, schedulerProperty, schedulerThroughput } from './pfncache-engines.js';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 20);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const minMax = (xs) => `${Math.min(...xs)}..${Math.max(...xs)}`;

// ---------------------------------------------------------------- hunts on the buggy variant, each engine
function kvmraceHunt(seed) {
  const stats = { steps: 0, first: -1 };
  const t0 = now();
  const r = fc.check(kvmraceProperty(BUGGY, stats), { numRuns: 100_000, seed });
  if (!r.failed) return null;
  const [data] = r.counterexample;
  const e = execute(pfncache, new Set(BUGGY), SCENARIO, new PreemptionPoints(data));
  const m = minimiseFailure(pfncache, BUGGY, SCENARIO, e.schedule);
  const t2 = now();
  const replay = replayStats(m.scenario, m.schedule);
  return { find: stats.first - t0, shrink: t2 - stats.first, steps: replay.steps, preemptions: replay.preemptions, switches: contextSwitches(m.schedule), runs: r.numRuns };
}

function replayStats(scenario, schedule) {
  const run = new Run(pfncache, new Set(BUGGY), scenario);
  for (const tid of schedule) run.step(tid);
  return { steps: run.steps, preemptions: run.preemptions };
}

async function schedulerHunt(seed) {
  const stats = { steps: 0, first: -1, last: null };
  const t0 = now();
  const r = await fc.check(schedulerProperty(BUGGY, stats), { numRuns: 100_000, seed });
  const t1 = now();
  if (!r.failed) return null;
  return { find: stats.first - t0, shrink: t1 - stats.first, ...stats.last, runs: r.numRuns, shrinks: r.numShrinks };
}

function randomHunt(seed) {
  const fixSet = new Set(BUGGY);
  const strategy = new RandomWalk(seed);
  const t0 = now();
  for (let i = 0; i < 1_000_000; i++) {
    const e = execute(pfncache, fixSet, SCENARIO, strategy);
    if (e.outcome.kind !== 'ok') return { find: now() - t0, shrink: 0, steps: e.schedule.length, preemptions: e.preemptions, switches: contextSwitches(e.schedule), runs: i + 1 };
  }
  return null;
}

// ---------------------------------------------------------------- run
// Warm up until each engine's code is optimised (500 runs left the fast-check loop at a fraction
// of its steady speed in the first rounds).
kvmraceThroughput(3000);
randomThroughput(3000);
await schedulerThroughput(300);

// Throughput: the best of ROUNDS alternating rounds of each engine (20,000 runs in all, 2,000 for
// the slower scheduler; each round repeats the same runs), steadier than one long run on a shared
// machine.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const tp = { kvmrace: 0, random: 0, scheduler: 0 };
for (let r = 0; r < ROUNDS; r++) {
  tp.kvmrace = Math.max(tp.kvmrace, kvmraceThroughput(Math.round(20_000 / ROUNDS)));
  tp.random = Math.max(tp.random, randomThroughput(Math.round(20_000 / ROUNDS)));
  tp.scheduler = Math.max(tp.scheduler, await schedulerThroughput(Math.round(2_000 / ROUNDS)));
}
const hunts = { kvmrace: [], scheduler: [], random: [] };
for (let seed = 1; seed <= SEEDS; seed++) {
  hunts.kvmrace.push(kvmraceHunt(seed));
  hunts.scheduler.push(await schedulerHunt(seed));
  hunts.random.push(randomHunt(seed));
}

const row = (name, steps, hs, shrinks) => {
  const ok = hs.filter(Boolean);
  return `| ${name} | ${Math.round(steps).toLocaleString('en-US')} | ${median(ok.map((h) => h.find)).toFixed(2)} ms (${median(ok.map((h) => h.runs))} runs) | ${minMax(ok.map((h) => h.steps))} | ${minMax(ok.map((h) => h.preemptions))} / ${minMax(ok.map((h) => h.switches))} | ${shrinks ? `${median(ok.map((h) => h.shrink)).toFixed(2)} ms` : 'no shrinking'} | ${ok.length}/${hs.length} |`;
};
console.log(`pfncache buggy race [refresh] | [deactivate], ${SEEDS} seeds, steps/s best of ${ROUNDS} rounds, node ${process.version}\n`);
console.log('| engine | steps/s (fixed) | time to first failure, median | counterexample steps | preemptions / switches | time to shrink, median | found |');
console.log('|---|---|---|---|---|---|---|');
console.log(row('kvmrace (fast-check + PreemptionPoints + minimiser)', tp.kvmrace, hunts.kvmrace, true));
console.log(row('fast-check fc.scheduler()', tp.scheduler, hunts.scheduler, true));
console.log(row('naive random walk', tp.random, hunts.random, false));
console.log('');
console.log(`steps/s ratio kvmrace : fc.scheduler = ${(tp.kvmrace / tp.scheduler).toFixed(1)}x; kvmrace : random walk = ${(tp.kvmrace / tp.random).toFixed(2)}x`);
const medFind = (k) => median(hunts[k].filter(Boolean).map((h) => h.find));
console.log(`time to first failure ratio fc.scheduler / kvmrace = ${(medFind('scheduler') / medFind('kvmrace')).toFixed(1)}x; random / kvmrace = ${(medFind('random') / medFind('kvmrace')).toFixed(1)}x`);
