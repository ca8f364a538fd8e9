// Where the time of kvmrace's fast-check loop goes on the fixed pfncache race [refresh] |
// [deactivate], set against the issue's budget (20x fc.scheduler()'s steps/s). Every part is timed
// in one process, alternating rounds, best of ROUNDS, on the same fast-check schedules, and given in
// ns per step (a kvmrace run of this race is 24 steps), so the parts add up:
//   fast-check's own loop (scheduleArbitrary + fc.check with an empty predicate),
//   core per run (a model of two one-read threads: world, setup, threads, strategy, record),
//   core per step (a model of two threads of twelve plain reads, per step beyond the per-run part),
//   pfncache's steps beyond plain reads (its kernel functions, locks, labels, declared steps),
//   pfncache's invariants (I_E1 and I_E2 after every step).
// Run after build: `pnpm --filter @kvmrace/bench bench:budget`. BENCH_ROUNDS (default 7).
import fc from 'fast-check';
import { defineModel, execute } from '@kvmrace/core';
import { pfncache } from '@kvmrace/pfncache';
import { PreemptionPoints } from '@kvmrace/properties';
import { FIXED, kvmraceThroughput, now, pfncacheSchedules, SCENARIO, schedulerThroughput } from './pfncache-engines.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const RUNS = 4000;
const fixSet = new Set(FIXED);
const arbitrary = pfncacheSchedules(FIXED);
const schedules = fc.sample(arbitrary, { numRuns: RUNS, seed: 1 });

/** Two threads, each `reads` plain reads of its own variable; no invariants. */
function readsModel(reads) {
  return defineModel({
    name: `reads-${reads}`,
    title: `two threads of ${reads} plain reads`,
    summary: 'a baseline for the engine: steps that do nothing but read',
    fixes: {},
    operations: {
      a: { summary: 'reads x', kernel: '-', *run(s) { for (let i = 0; i < reads; i++) yield* s.x.read(); } },
      b: { summary: 'reads y', kernel: '-', *run(s) { for (let i = 0; i < reads; i++) yield* s.y.read(); } },
    },
    setup: (w) => ({ x: w.var('x', 0), y: w.var('y', 0) }),
    invariants: [],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [] },
  });
}
const oneRead = readsModel(1);
const twelveReads = readsModel(12);
const withoutInvariants = { ...pfncache, invariants: [] };

/** Executes every schedule on `model`; returns ns per run. */
function executeAll(model, fixes, scenario) {
  let steps = 0;
  const t = now();
  for (let i = 0; i < schedules.length; i++) steps += execute(model, fixes, scenario, new PreemptionPoints(schedules[i])).schedule.length;
  const ns = ((now() - t) * 1e6) / schedules.length;
  return { ns, steps: steps / schedules.length };
}

function fastCheckAlone() {
  const t = now();
  fc.check(fc.property(arbitrary, () => true), { numRuns: RUNS, seed: 1 });
  return ((now() - t) * 1e6) / RUNS;
}

/**
 * The floor of any generator engine: two threads of twelve steps, each step a `yield*` of a bare
 * one-step iterator (no effect, no state, no checks), driven in turns; ns per step.
 */
const STEP = { label: 'step', accesses: [] };
const YIELD_STEP = { value: STEP, done: false };
const RETURNED = { value: undefined, done: true };
class BareOneStep {
  constructor() { this.state = 0; }
  next() { if (this.state === 0) { this.state = 1; return YIELD_STEP; } this.state = 2; return RETURNED; }
  [Symbol.iterator]() { return this; }
}
function* bareThread(steps) { for (let i = 0; i < steps; i++) yield* new BareOneStep(); }
function generatorFloor() {
  let steps = 0;
  const t = now();
  for (let i = 0; i < RUNS; i++) {
    const threads = [bareThread(12), bareThread(12)];
    // Four steps of one thread, then four of the other, until both are done.
    for (let turn = 0; threads[0] !== null || threads[1] !== null; turn ^= 1) {
      for (let k = 0; k < 4 && threads[turn] !== null; k++) {
        if (threads[turn].next().done) threads[turn] = null;
        else steps++;
      }
    }
  }
  return ((now() - t) * 1e6) / steps;
}

const AB = [['a'], ['b']];
const parts = {
  fastCheck: () => fastCheckAlone(),
  perRun: () => executeAll(oneRead, new Set(), AB).ns,
  reads: () => executeAll(twelveReads, new Set(), AB).ns,
  pfncacheBare: () => executeAll(withoutInvariants, fixSet, SCENARIO).ns,
  pfncache: () => executeAll(pfncache, fixSet, SCENARIO).ns,
  floor: () => generatorFloor(),
};
const stepsPerRun = executeAll(pfncache, fixSet, SCENARIO).steps;
const readSteps = executeAll(twelveReads, new Set(), AB).steps;
const oneReadSteps = executeAll(oneRead, new Set(), AB).steps;

// Warm up every part, then the best of ROUNDS alternating rounds.
kvmraceThroughput(2000);
await schedulerThroughput(200);
for (const f of Object.values(parts)) for (let i = 0; i < 3; i++) f();
const best = { loop: 0, scheduler: 0, fastCheck: Infinity, perRun: Infinity, reads: Infinity, pfncacheBare: Infinity, pfncache: Infinity, floor: Infinity };
for (let r = 0; r < ROUNDS; r++) {
  best.loop = Math.max(best.loop, kvmraceThroughput(RUNS));
  best.scheduler = Math.max(best.scheduler, await schedulerThroughput(RUNS / 10));
  for (const [k, f] of Object.entries(parts)) best[k] = Math.min(best[k], f());
}

const perStep = (nsPerRun) => nsPerRun / stepsPerRun;
const loopNs = 1e9 / best.loop;
const schedulerNs = 1e9 / best.scheduler;
const coreStepNs = (best.reads - best.perRun) / (readSteps - oneReadSteps);
const rows = [
  ['fast-check fc.scheduler(), per step', schedulerNs],
  ['the issue\'s budget: 1/20 of that', schedulerNs / 20],
  ['kvmrace fast-check loop, per step', loopNs],
  ['  fast-check\'s own loop (scheduleArbitrary, fc.check, empty predicate)', perStep(best.fastCheck)],
  ['  core per run (world, setup, threads, strategy, record), spread over the run\'s steps', perStep(best.perRun)],
  ['  core per step (a plain read: generator resume, one-step call, scheduling, bookkeeping)', coreStepNs],
  ['  pfncache\'s steps beyond plain reads (kernel functions, locks, labels, declared steps)', perStep(best.pfncacheBare - best.perRun) - coreStepNs],
  ['  pfncache\'s invariants (I_E1, I_E2 after every step)', perStep(best.pfncache - best.pfncacheBare)],
  ['  the rest (the loop against the sum of its parts: cache and GC interplay)', loopNs - perStep(best.fastCheck) - perStep(best.pfncache)],
  ['for reference: the least a generator engine pays per step (resume a generator that `yield*`s a bare one-step iterator)', best.floor],
];
console.log(`pfncache fixed [refresh] | [deactivate], ${stepsPerRun} steps a run; best of ${ROUNDS} alternating rounds, node ${process.version}\n`);
console.log('| part | ns per step | share of the loop |');
console.log('|---|---|---|');
for (const [name, ns] of rows) console.log(`| ${name} | ${ns.toFixed(1)} | ${name.startsWith('  ') || name.startsWith('kvmrace') ? `${((ns / loopNs) * 100).toFixed(0)}%` : ''} |`);
console.log(`\nkvmrace : fc.scheduler() = ${(best.loop / best.scheduler).toFixed(1)}x; 20x needs ${(schedulerNs / 20).toFixed(1)} ns per step, ${(loopNs / (schedulerNs / 20)).toFixed(2)}x less than now.`);
const fixedCosts = perStep(best.fastCheck) + perStep(best.pfncache - best.pfncacheBare) + best.floor;
console.log(`fast-check's own loop, pfncache's invariants and the generator floor alone take ${fixedCosts.toFixed(1)} ns per step of the ${(schedulerNs / 20).toFixed(1)}.`);
