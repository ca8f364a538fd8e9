// Steps per second of the random walk, with trace recording off and on.
//   node bench/steps.bench.js [--ms N] [--rounds N] [--core path/to/dist/index.js] [--compare path/to/other/dist/index.js]
// --core measures another build of core instead of ../dist; --compare measures a second build in
// the same process, alternating rounds, and prints the ratio. Rows with tracing off also measure
// the bare generator prototype of bench/prototype.js on the same model, alternating rounds, and
// print kvmrace : prototype (the anchor: such a prototype runs about 10 M steps/s).
// Plain ESM over the built package (run `pnpm --filter @kvmrace/core build` first).
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { measurePrototype, prototypeModels } from './prototype.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const MS = Number(opt('--ms', 1000));
const compare = opt('--compare', undefined);
const ROUNDS = Number(opt('--rounds', 5));

/** The models of the bench, built against one copy of core. */
function models(core) {
  const { defineModel } = core;
  // Two CPUs run counter = counter + 1 as a load and a store (the example model, buggy variant).
  const lostUpdate = defineModel({
    name: 'lost-update',
    title: 'Lost update',
    summary: 'load and store without the lock',
    fixes: { 'take-lock': { commit: '000000000000', summary: 'take the lock' } },
    operations: {
      increment: {
        summary: 'counter++',
        kernel: 'counter_inc()',
        *run(s, t) {
          if (t.fixed('take-lock')) yield* s.lock.lock();
          const v = yield* s.counter.read();
          yield* s.counter.write(v + 1);
          if (t.fixed('take-lock')) yield* s.lock.unlock();
          s.done++;
        },
      },
    },
    setup: (w) => ({ lock: w.spinlock('counter_lock'), counter: w.counter('counter'), done: 0 }),
    invariants: [{ name: 'no-lost-update', description: 'counter = increments', at: 'end', check: (s) => s.counter.value === s.done }],
    scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'two', threads: [['increment'], ['increment']] }] },
  });
  // Four CPUs, three locks taken in a fixed order (no deadlock), three shared variables.
  const locks3 = defineModel({
    name: 'four-three',
    title: '4 threads, 3 locks',
    summary: 'nested critical sections over three locks in lock order',
    fixes: {},
    operations: {
      work: {
        summary: 'lock a; x++; lock b; y++; unlock b; unlock a; lock c; z = x + y; unlock c',
        kernel: 'none',
        *run(s) {
          for (let i = 0; i < 2; i++) {
            yield* s.a.lock();
            const x = yield* s.x.read();
            yield* s.x.write(x + 1);
            yield* s.b.lock();
            yield* s.y.update((y) => y + 1);
            yield* s.b.unlock();
            yield* s.a.unlock();
            yield* s.c.lock();
            const y = yield* s.y.read();
            yield* s.z.write(x + y);
            yield* s.c.unlock();
          }
        },
      },
    },
    setup: (w) => ({ a: w.spinlock('a'), b: w.spinlock('b'), c: w.mutex('c'), x: w.var('x', 0), y: w.var('y', 0), z: w.var('z', 0) }),
    invariants: [
      { name: 'b-inside-a', description: 'b is only held with a', check: (s) => s.b.holder === -1 || s.a.holder === s.b.holder },
      { name: 'x-eq-y', description: 'x = y when done', at: 'end', check: (s) => s.x.value === s.y.value },
    ],
    scenarios: { maxThreads: 4, maxOpsPerThread: 1, maxOps: 4, catalogue: [{ name: 'four', threads: [['work'], ['work'], ['work'], ['work']] }] },
  });
  return [
    { name: 'lost-update, 2 threads', model: lostUpdate, scenario: [['increment'], ['increment']] },
    { name: 'lost-update, 3x2 ops', model: lostUpdate, scenario: [['increment', 'increment'], ['increment', 'increment'], ['increment', 'increment']] },
    { name: '4 threads, 3 locks', model: locks3, scenario: [['work'], ['work'], ['work'], ['work']] },
  ];
}

/** Runs executions for about `ms` and returns steps per second. */
function measure(core, model, scenario, trace, ms) {
  const strategy = new core.RandomWalk(1);
  const fixes = new Set();
  const options = { trace };
  let steps = 0;
  let runs = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 200; i++) {
      steps += core.execute(model, fixes, scenario, strategy, options).schedule.length;
      runs++;
    }
    now = process.hrtime.bigint();
  }
  const sec = Number(now - start) / 1e9;
  return { stepsPerSec: steps / sec, runsPerSec: runs / sec, stepsPerRun: steps / runs };
}

const corePath = opt('--core', undefined);
const here = corePath ? await import(pathToFileURL(resolve(corePath)).href) : await import('../dist/index.js');
const other = compare ? await import(pathToFileURL(resolve(compare)).href) : undefined;
const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} k`);
const rows = [];
// Warm every row up first, so that the first rows measured are not the JIT's warm-up.
for (const tracing of [false, true]) {
  for (const m of models(here)) measure(here, m.model, m.scenario, tracing, 100);
  if (other) for (const m of models(other)) measure(other, m.model, m.scenario, tracing, 100);
}
for (const tracing of [false, true]) {
  const mine = models(here);
  const theirs = other ? models(other) : undefined;
  mine.forEach((m, i) => {
    // Warm up, then take the best of ROUNDS short measurements (alternating with the other
    // build when comparing), which is steadier than one long one on a shared machine.
    measure(here, m.model, m.scenario, tracing, 100);
    if (theirs) measure(other, theirs[i].model, theirs[i].scenario, tracing, 100);
    let r;
    let o;
    let proto = 0;
    const protoModel = tracing ? undefined : prototypeModels[m.name];
    if (protoModel) measurePrototype(protoModel, 100);
    for (let k = 0; k < ROUNDS; k++) {
      const a = measure(here, m.model, m.scenario, tracing, MS / ROUNDS);
      if (!r || a.stepsPerSec > r.stepsPerSec) r = a;
      if (protoModel) proto = Math.max(proto, measurePrototype(protoModel, MS / ROUNDS));
      if (theirs) {
        const b = measure(other, theirs[i].model, theirs[i].scenario, tracing, MS / ROUNDS);
        if (!o || b.stepsPerSec > o.stepsPerSec) o = b;
      }
    }
    const vsProto = protoModel ? [fmt(proto), `${(r.stepsPerSec / proto).toFixed(2)}x`] : ['', ''];
    rows.push([m.name, tracing ? 'on' : 'off', r.stepsPerRun.toFixed(1), fmt(r.runsPerSec), fmt(r.stepsPerSec), ...vsProto, ...(o ? [fmt(o.stepsPerSec), `${(r.stepsPerSec / o.stepsPerSec).toFixed(2)}x`] : [])]);
  });
}
const head = ['model', 'trace', 'steps/run', 'runs/s', 'steps/s', 'prototype steps/s', 'kvmrace : prototype', ...(other ? ['compare steps/s', 'ratio'] : [])];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (cells) => cells.map((x, c) => (c < 2 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
console.log(`random walk, seed 1, best of ${ROUNDS} x ${Math.round(MS / ROUNDS)} ms per row, node ${process.version}`);
console.log(line(head));
for (const r of rows) console.log(line(r));
