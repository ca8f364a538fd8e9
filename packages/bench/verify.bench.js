// Exhaustive verification of every model's upstream variant over its catalogue: time, executions,
// redundant (sleep-set-blocked) share, and state-cache hits, per engine.
//   pnpm --filter @kvmrace/bench bench:verify [--models a,b] [--engines dpor,auto,p2] [--cli] [--json]
//   (or node packages/bench/verify.bench.js ...)
// Engines: dpor (DPOR as before, with `countStates` to count the states a cache would skip),
// auto (what `verify` runs now: the stateful search for models with state invariants), stateful,
// p2 (`--preemptions 2`: the bounded DFS, now with state caching), p2-plain (without caching).
// --cli also times `kvmrace verify <model> --variant upstream` end to end (process start included).
// Plain ESM over the built packages: run `pnpm build` first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
if (JSON_OUT) console.log(JSON.stringify(rows, null, 2));
