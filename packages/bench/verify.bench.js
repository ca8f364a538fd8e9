// Exhaustive verification of every model's upstream variant over its catalogue: time, executions,
// redundant (sleep-set-blocked) share, and state-cache hits, per engine.
//   pnpm --filter @kvmrace/bench bench:verify [--models a,b] [--engines dpor,auto,p2] [--cli] [--json]
//   (or node packages/bench/verify.bench.js ...)
// Engines: dpor (DPOR as before, with `countStates` to count the states a cache would skip),
// auto (what `verify` runs now: the stateful search for models with state invariants), stateful,
// p2 (`--preemptions 2`: the bounded DFS, now with state caching), p2-plain (without caching).
// --cli also times `kvmrace verify <model> --variant upstream` end to end (process start included).
// --scale (issue 24) then prints, in the same run: every model at `--threads 3 --max-ops 3` and
// `--threads 2 --max-ops 4` (the default engine), each with its cost estimate (`estimateCost`, what
// `verify` guards and shows) beside the real executions and time; and `kvmrace verify` with
// `--workers 1` and `--workers 2` on the longest of them (--scale-workers a,b: on these models;
// model@threads/maxOps, and --no-table to skip the table), with peak memory (/usr/bin/time);
// --rounds N alternates 1 and 2 workers N times and keeps the fastest of each; --whole-pieces also
// runs 2 workers on whole pieces (scenarios), as before work stealing (KVMRACE_STEAL=0).
// --bounds 3/3,2/4 picks the bounds.
// Plain ESM over the built packages: run `pnpm build` first.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@kvmrace/core';

const here = dirname(fileURLToPath(import.meta.url));
const packages = resolve(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : args[i + 1];
};
const MODELS = opt('--models', 'memslot-gen,pfncache,radix-nested,hpt-resize,change-pte').split(',');
const ENGINES = opt('--engines', 'auto,p2').split(',');
const CLI = args.includes('--cli');
const JSON_OUT = args.includes('--json');
const SCALE = args.includes('--scale');
const BOUNDS = opt('--bounds', '3/3,2/4').split(',').map((b) => b.split('/').map(Number));
const SCALE_WORKERS = opt('--scale-workers', '');
const NO_TABLE = args.includes('--no-table');
const ROUNDS = Number(opt('--rounds', '1'));
const WHOLE_PIECES = args.includes('--whole-pieces');

const { statefulSearch } = core;

async function loadModel(name) {
  const mod = await import(`@kvmrace/${name}`);
  const model = Object.values(mod).find((m) => core.isModel(m) && m.name === name);
  if (!model) throw new Error(`no model '${name}' in @kvmrace/${name}`);
  return model;
}

/** Wall and CPU milliseconds of `f()`. */
function timed(f) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, ms: Math.round(performance.now() - t0), cpu: Math.round((c.user + c.system) / 1000) };
}

/** DPOR over the catalogue as `verify` runs it (stops at the first failing scenario), counting state hits. */
function dporCatalogue(model, fixes) {
  const fixSet = new Set(fixes);
  const out = { executions: 0, complete: 0, redundant: 0, steps: 0, stateHits: 0, verdict: 'holds' };
  for (const s of model.scenarios.catalogue) {
    const r = core.dpor(model, fixSet, s.threads, { countStates: true });
    out.executions += r.executions;
    out.complete += r.complete;
    out.redundant += r.redundant;
    out.steps += r.steps;
    out.stateHits += r.stateHits ?? 0;
    if (r.failure) {
      out.verdict = 'violated';
      break;
    }
  }
  return out;
}

function statefulCatalogue(model, fixes, options) {
  const fixSet = new Set(fixes);
  const out = { executions: 0, complete: 0, redundant: 0, steps: 0, stateHits: 0, states: 0, verdict: 'holds' };
  for (const s of model.scenarios.catalogue) {
    const r = statefulSearch(model, fixSet, s.threads, options);
    for (const k of ['executions', 'complete', 'redundant', 'steps', 'stateHits', 'states']) out[k] += r[k];
    if (r.failure) {
      out.verdict = 'violated';
      break;
    }
  }
  return out;
}

function boundedCatalogue(model, fixes, options) {
  const fixSet = new Set(fixes);
  const out = { executions: 0, complete: 0, redundant: 0, steps: 0, verdict: 'holds' };
  for (const s of model.scenarios.catalogue) {
    const r = core.boundedDfs(model, fixSet, s.threads, options);
    for (const k of ['executions', 'complete', 'redundant', 'steps']) out[k] += r[k];
    if (r.failure) {
      out.verdict = 'violated';
      break;
    }
  }
  return out;
}

const runs = {
  dpor: (model, fixes) => dporCatalogue(model, fixes),
  auto: (model, fixes) => core.verify(model, { fixes }),
  stateful: (model, fixes) => core.verify(model, { fixes, engine: 'stateful' }),
  p2: (model, fixes) => core.verify(model, { fixes, preemptions: 2 }),
  'p2-plain': (model, fixes) => boundedCatalogue(model, fixes, { preemptionBound: 2, stateCaching: false }),
};

/** CPU ticks (user + system) of each thread of process `pid` so far. */
function threadTicks(pid) {
  const out = new Map();
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(t, Number(f[11]) + Number(f[12]));
  }
  return out;
}

/**
 * Runs `args` (an executable and its arguments): wall ms, peak memory (VmHWM), its stdout, and from /proc, sampled every
 * 20 ms, its CPU ms in all and on its busiest thread. Under a load that fills both cores the wall
 * time cannot show a second thread (the scheduler shares CPU between sessions, not threads); the
 * busiest thread and half the total CPU bound what two idle cores would take.
 */
async function measured(args, env = {}) {
  const t0 = performance.now();
  // The bin itself, as a user runs it (its #! line sets Node's flags).
  const child = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  const last = new Map();
  let hwm = 0;
  const sample = () => {
    try {
      for (const [t, v] of threadTicks(child.pid)) last.set(t, v);
      hwm = Math.max(hwm, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // The process has just ended.
    }
  };
  const timer = setInterval(sample, 20);
  await new Promise((done) => child.on('close', done));
  clearInterval(timer);
  const ticks = [...last.values()];
  const tick = 10; // ms per clock tick (CLK_TCK 100)
  return { ms: Math.round(performance.now() - t0), mb: Math.round(hwm / 1024), out, cpu: tick * ticks.reduce((a, b) => a + b, 0), busiest: tick * Math.max(0, ...ticks) };
}

function cliTime(name, extra) {
  const bin = resolve(packages, 'cli/dist/kvmrace.js');
  if (!existsSync(bin)) return undefined;
  const t0 = performance.now();
  // The bin itself, as a user runs it (its #! line sets Node's flags).
  const r = spawnSync(bin, ['verify', name, '--variant', 'upstream', ...extra], { encoding: 'utf8' });
  return { ms: Math.round(performance.now() - t0), code: r.status };
}

const rows = [];
for (const name of MODELS) {
  const model = await loadModel(name);
  const fixes = model.upstreamFixes;
  for (const engine of ENGINES) {
    const run = runs[engine];
    if (!run) throw new Error(`unknown engine '${engine}'`);
    const t = timed(() => run(model, fixes));
    const r = t.value;
    const row = {
      model: name,
      engine,
      verdict: r.verdict,
      ms: t.ms,
      cpu: t.cpu,
      executions: r.executions,
      redundantPct: r.executions ? Math.round((1000 * r.redundant) / r.executions) / 10 : 0,
      steps: r.steps,
      stateHits: r.stateHits ?? null,
      states: r.states ?? null,
    };
    if (CLI && (engine === 'auto' || engine === 'p2')) row.cliMs = cliTime(name, engine === 'p2' ? ['--preemptions', '2'] : [])?.ms ?? null;
    rows.push(row);
    if (!JSON_OUT) {
      const cells = [
        name.padEnd(13),
        engine.padEnd(8),
        row.verdict.padEnd(8),
        `${row.ms} ms`.padStart(9),
        `cpu ${row.cpu}`.padStart(10),
        `exec ${row.executions}`.padStart(12),
        `red ${row.redundantPct}%`.padStart(10),
        `steps ${row.steps}`.padStart(15),
        row.stateHits === null ? '' : `hits ${row.stateHits}`.padStart(12),
        row.states === null ? '' : `states ${row.states}`.padStart(13),
        row.cliMs === undefined ? '' : `cli ${row.cliMs} ms`.padStart(12),
      ];
      console.log(cells.join(' '));
    }
  }
}
const scale = [];
if (SCALE) {
  if (!JSON_OUT) console.log('\nmodel         bound  estimate (executions, ms on one thread)   actual (executions, ms)   ratio exec  ratio ms');
  for (const name of NO_TABLE ? [] : MODELS) {
    const model = await loadModel(name);
    const fixes = model.upstreamFixes;
    for (const [threads, maxOps] of BOUNDS) {
      const scenarios = core.enumerateScenarios(model, { threads, maxOps });
      const e = timed(() => core.estimateCost(model, fixes, scenarios));
      const t = timed(() => core.verify(model, { fixes, scenarios }));
      const row = { model: name, bound: `${threads}/${maxOps}`, scenarios: scenarios.length, verdict: t.value.verdict, estimate: { executions: Math.round(e.value.executions), ms: Math.round(e.value.ms), probeMs: e.ms }, actual: { executions: t.value.executions, ms: t.ms, cpu: t.cpu } };
      scale.push(row);
      if (!JSON_OUT) {
        console.log([
          name.padEnd(13),
          row.bound.padEnd(6),
          `${row.estimate.executions}`.padStart(12),
          `${row.estimate.ms} ms`.padStart(12),
          `(probes ${row.estimate.probeMs} ms)`.padStart(18),
          `${row.actual.executions}`.padStart(12),
          `${row.actual.ms} ms`.padStart(11),
          `${(row.estimate.executions / Math.max(1, row.actual.executions)).toFixed(2)}x`.padStart(10),
          `${(row.estimate.ms / Math.max(1, row.actual.ms)).toFixed(2)}x`.padStart(9),
          row.verdict,
        ].join(' '));
      }
    }
  }
  // Workers 1 vs 2 through the CLI, on the longest verifications of the table above (or those
  // named, model@threads/maxOps, which need no table: --scale --no-table --scale-workers hpt-resize@3/3).
  const named = (m) => {
    const [model, bound = `${BOUNDS[0].join('/')}`] = m.split('@');
    return scale.find((r) => r.model === model && r.bound === bound) ?? { model, bound };
  };
  const longest = SCALE_WORKERS ? SCALE_WORKERS.split(',').map(named) : [...scale].sort((a, b) => b.actual.ms - a.actual.ms).slice(0, 2);
  const bin = resolve(packages, 'cli/dist/kvmrace.js');
  if (!JSON_OUT) console.log('\nmodel         bound  workers 1 (ms, MB)   workers 2 (ms, MB)   speed-up (wall; then CPU per run and the bound it sets on two idle cores)');
  for (const r of longest) {
    const [threads, maxOps] = r.bound.split('/');
    const once = (workers, env = {}) => measured([bin, 'verify', r.model, '--threads', threads, '--max-ops', maxOps, '--workers', String(workers), '--force', '--json', '--no-timing'], env);
    // Alternating rounds on a shared machine: the fastest of each is the least disturbed.
    const fastest = (xs) => xs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const ones = [];
    const twos = [];
    const pieces = [];
    for (let k = 0; k < ROUNDS; k++) {
      ones.push(await once(1));
      twos.push(await once(2));
      if (WHOLE_PIECES) pieces.push(await once(2, { KVMRACE_STEAL: '0' }));
    }
    const one = fastest(ones);
    const two = fastest(twos);
    // Work stealing (the stateful search) makes the work counts depend on timing; the verdict and counterexample must not.
    const verdict = (out) => {
      const { executions, complete, redundant, stateHits, states, ...rest } = JSON.parse(out);
      return { rest: JSON.stringify(rest), executions };
    };
    const a = verdict(one.out);
    const b = verdict(two.out);
    const same = a.rest === b.rest;
    // On two idle cores a run takes at least its busiest thread's CPU time and half its total CPU time.
    const idle = (x) => Math.max(x.busiest, x.cpu / 2);
    const cpuRatio = idle(one) / idle(two);
    r.workers = { one: { ms: one.ms, mb: one.mb, cpu: one.cpu, busiest: one.busiest, executions: a.executions }, two: { ms: two.ms, mb: two.mb, cpu: two.cpu, busiest: two.busiest, executions: b.executions }, speedup: one.ms / two.ms, idleCoreSpeedup: cpuRatio, sameVerdict: same };
    if (!JSON_OUT) {
      console.log([r.model.padEnd(13), r.bound.padEnd(6), `${one.ms} ms, ${one.mb} MB`.padStart(20), `${two.ms} ms, ${two.mb} MB`.padStart(20), `${(one.ms / two.ms).toFixed(2)}x`.padStart(9), `executions ${a.executions} / ${b.executions}`, same ? 'same verdict and counterexample' : 'VERDICT DIFFERS'].join(' '));
      console.log(`${''.padEnd(20)} CPU ${one.cpu} ms (busiest thread ${one.busiest})   CPU ${two.cpu} ms (busiest thread ${two.busiest})   on idle cores: ${cpuRatio.toFixed(2)}x`);
    }
    if (WHOLE_PIECES) {
      // The same two workers taking whole pieces (scenarios) instead of stealing subtrees: what --workers did before.
      const w = fastest(pieces);
      r.workers.wholePieces = { ms: w.ms, mb: w.mb, cpu: w.cpu, busiest: w.busiest, speedup: one.ms / w.ms, idleCoreSpeedup: idle(one) / idle(w) };
      if (!JSON_OUT) console.log(`${''.padEnd(20)} whole pieces on 2 workers (KVMRACE_STEAL=0): ${w.ms} ms, ${w.mb} MB, ${(one.ms / w.ms).toFixed(2)}x; CPU ${w.cpu} ms (busiest thread ${w.busiest}), on idle cores: ${(idle(one) / idle(w)).toFixed(2)}x`);
    }
  }
}
if (JSON_OUT) console.log(JSON.stringify(SCALE ? { rows, scale } : rows, null, 2));
