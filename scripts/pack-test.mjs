#!/usr/bin/env node
// The tarball test: the packages as a user gets them. Packs (`pnpm pack`) kvmrace and every
// workspace package it depends on, installs the tarballs with npm into a fresh project outside the
// repository (with vitest, fast-check and TypeScript from the registry), and there: runs a vitest
// file that uses findMinimalRace, noRace and raceTest on a model of its own, type-checks it in
// strict mode, hunts the model with `npx kvmrace hunt --model`, and checks that every source map
// of the installed packages points at files inside them. Prints each step; exits 1 on the first
// failure; removes its temporary directories either way.
//
//   node scripts/pack-test.mjs        (or pnpm test:pack; .ci/run runs it after pnpm test)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const rootPkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
/** What the user's project installs beside the tarballs (versions as the repository uses them). */
const registryPackages = [
  `vitest@${rootPkg.devDependencies.vitest}`,
  'fast-check@^4',
  `typescript@${rootPkg.devDependencies.typescript}`,
  `@types/node@${rootPkg.devDependencies['@types/node']}`,
];
const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' };

class StepFailed extends Error {}

let stepNumber = 0;
/** Prints a step's name, runs it, prints how long it took. */
function step(name, fn) {
  stepNumber++;
  process.stdout.write(`pack-test ${stepNumber}. ${name}\n`);
  const t0 = performance.now();
  const result = fn();
  process.stdout.write(`   ok (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  return result;
}

/** Runs a command (no shell) in `cwd`; returns its exit code and output; fails unless `expectCode`. */
function run(command, args, cwd, expectCode = 0) {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new StepFailed(`${command} ${args.join(' ')}: ${r.error.message}`);
  const output = `${r.stdout}${r.stderr}`;
  if (r.status !== expectCode) {
    throw new StepFailed(`${command} ${args.join(' ')} (in ${cwd}) exited ${r.status}, expected ${expectCode}:\n${output.trimEnd()}`);
  }
  return { stdout: r.stdout, stderr: r.stderr, output };
}

/** Fails the step unless `ok`. */
function check(ok, message) {
  if (!ok) throw new StepFailed(message);
}

/** The workspace's packages by name: their directory and package.json. */
function workspacePackages() {
  const byName = new Map();
  for (const entry of readdirSync(join(repo, 'packages'))) {
    const file = join(repo, 'packages', entry, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    byName.set(pkg.name, { dir: dirname(file), pkg });
  }
  return byName;
}

/** kvmrace and every workspace package it depends on, directly or not. */
function packagesTheCliNeeds() {
  const all = workspacePackages();
  const needed = new Map();
  const visit = (name) => {
    const found = all.get(name);
    if (!found || needed.has(name)) return;
    needed.set(name, found);
    for (const [dep, spec] of Object.entries(found.pkg.dependencies ?? {})) if (String(spec).startsWith('workspace:')) visit(dep);
  };
  visit('kvmrace');
  return needed;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * Checks that every source map in an installed package names sources that exist inside the
 * package, and that every `sourceMappingURL` comment points at a map that is there. Returns the
 * counts.
 */
function checkSourceMaps(pkgDir, name) {
  let maps = 0;
  let sources = 0;
  const files = filesUnder(pkgDir);
  for (const file of files) {
    if (file.endsWith('.map')) {
      maps++;
      const map = JSON.parse(readFileSync(file, 'utf8'));
      for (const source of map.sources ?? []) {
        sources++;
        const target = resolve(dirname(file), map.sourceRoot ?? '', source);
        const where = `${name}: ${relative(pkgDir, file)} names ${source}`;
        check(target.startsWith(pkgDir + sep), `${where}, outside the package`);
        check(existsSync(target) && statSync(target).isFile(), `${where}, which the tarball does not contain`);
      }
    } else if (/\.(m?js|d\.ts)$/.test(file)) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, 'utf8'))?.[1];
      if (url && !url.startsWith('data:')) check(existsSync(resolve(dirname(file), url)), `${name}: ${relative(pkgDir, file)} points at ${url}, which is missing`);
    }
  }
  check(maps > 0, `${name}: no source maps at all (was the package built?)`);
  return { maps, sources };
}

const MODEL = `// A model written by a user of the published packages.
import { defineModel, violation, type Counter, type Lock, type Thread } from '@kvmrace/core';

/** Shared state: the counter, its lock, and the increments that finished. */
export interface State {
  readonly lock: Lock;
  readonly counter: Counter;
  done: number;
}

function* increment(s: State, t: Thread<'take-lock'>) {
  if (t.fixed('take-lock')) yield* s.lock.lock();
  const v = yield* s.counter.read();
  yield* s.counter.write(v + 1);
  if (t.fixed('take-lock')) yield* s.lock.unlock();
  s.done++;
}

export const lostUpdate = defineModel({
  name: 'tarball-lost-update',
  title: 'Lost update, from the tarballs',
  summary: 'counter = counter + 1 as a load and a store on two CPUs.',
  fixes: { 'take-lock': { commit: '000000000000', summary: 'hold counter_lock across the load and the store' } },
  operations: { increment: { summary: 'counter = counter + 1', kernel: 'counter_inc()', run: increment } },
  setup: (w) => ({ lock: w.spinlock('counter_lock'), counter: w.counter('counter'), done: 0 }),
  invariants: [
    {
      name: 'no-lost-update',
      description: 'when every increment has finished, the counter equals their number',
      at: 'end',
      holds: (s) => (s.counter.value === s.done ? true : violation(\`counter is \${s.counter.value} after \${s.done} increments\`)),
    },
  ],
  scenarios: { minThreads: 1, maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'two', threads: [['increment'], ['increment']] }] },
});

export default lostUpdate;
`;

const TEST = `import { findMinimalRace, noRace } from '@kvmrace/properties';
import { raceTest } from '@kvmrace/properties/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lostUpdate } from './model.js';

describe('a model of its own, with the packages from their tarballs', () => {
  it('noRace: the fix holds', () => {
    fc.assert(noRace(lostUpdate, { variant: 'upstream' }), { numRuns: 300, seed: 1 });
  });

  it('noRace: the bug fails the property, with a replay token', () => {
    const details = fc.check(noRace(lostUpdate, { variant: 'buggy' }), { numRuns: 300, seed: 1 });
    expect(details.failed).toBe(true);
    expect(String(details.errorInstance)).toMatch(/kvmrace replay kr1\\./);
  });

  it('findMinimalRace: the race, shrunk to two threads and one preemption', () => {
    const race = findMinimalRace(lostUpdate, { variant: 'buggy', seed: 1 });
    expect(race.found).toBe(true);
    expect(race.counterexample).toMatchObject({ threads: 2, operations: 2, preemptions: 1 });
  });

  raceTest('raceTest: upstream holds', lostUpdate, { seed: 1 });
  raceTest('raceTest: buggy races', lostUpdate, { expect: 'races', seed: 1 });
});
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    // The packages' own declarations are checked too, not skipped.
    skipLibCheck: false,
    noEmit: true,
    types: ['node'],
  },
  include: ['*.ts'],
};

const temps = [];
const tempDir = (what) => {
  const dir = mkdtempSync(join(tmpdir(), `kvmrace-pack-test-${what}-`));
  temps.push(dir);
  return dir;
};

let failed = false;
try {
  const needed = packagesTheCliNeeds();
  step('pnpm build (turbo; cached when nothing changed)', () => run('pnpm', ['build', '--output-logs=errors-only'], repo));

  const tarballs = tempDir('tarballs');
  step(`pnpm pack ${[...needed.keys()].join(', ')}`, () => {
    for (const { dir } of needed.values()) run('pnpm', ['pack', '--pack-destination', tarballs], dir);
    const packed = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
    check(packed.length === needed.size, `expected ${needed.size} tarballs, found ${packed.length}: ${packed.join(', ')}`);
  });

  const project = tempDir('project');
  step(`a fresh project in ${project} (npm init -y, type module)`, () => {
    run('npm', ['init', '-y'], project);
    run('npm', ['pkg', 'set', 'type=module'], project);
  });

  step(`npm install the ${needed.size} tarballs, ${registryPackages.join(', ')}`, () => {
    const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz')).map((f) => join(tarballs, f));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files, ...registryPackages], project);
    for (const name of needed.keys()) {
      const installed = join(project, 'node_modules', name, 'package.json');
      check(existsSync(installed), `${name} is not installed in the project`);
      const { version } = JSON.parse(readFileSync(installed, 'utf8'));
      check(version === needed.get(name).pkg.version, `${name} installed at ${version}, not the packed ${needed.get(name).pkg.version} (from the registry?)`);
    }
  });

  writeFileSync(join(project, 'model.ts'), MODEL);
  writeFileSync(join(project, 'race.test.ts'), TEST);
  writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);

  step('npx vitest run (findMinimalRace, noRace, raceTest)', () => {
    const { output } = run('npx', ['--no', '--', 'vitest', 'run'], project);
    check(/Tests\s+5 passed \(5\)/.test(output), `vitest did not report 5 passed tests:\n${output.trimEnd()}`);
  });

  step('npx tsc --noEmit (strict, the packages\' declarations checked too)', () => run('npx', ['--no', '--', 'tsc', '--noEmit', '-p', 'tsconfig.json'], project));

  step('npx kvmrace hunt --model ./model.ts --variant buggy (exit 1, a race table)', () => {
    const { stdout } = run('npx', ['--no', '--', 'kvmrace', 'hunt', '--model', './model.ts', '--variant', 'buggy', '--width', '100'], project, 1);
    check(/race found in tarball-lost-update \(buggy\)/.test(stdout), `no race reported:\n${stdout}`);
    check(/CPU0: increment\s+CPU1: increment/.test(stdout), `no race table:\n${stdout}`);
    check(/no-lost-update broken/.test(stdout), `the table does not show the broken invariant:\n${stdout}`);
    check(/kvmrace replay kr1\./.test(stdout), `no replay token:\n${stdout}`);
  });

  step('source maps of the installed packages resolve inside them', () => {
    for (const name of needed.keys()) {
      const { maps, sources } = checkSourceMaps(join(project, 'node_modules', name), name);
      process.stdout.write(`   ${name}: ${maps} maps, ${sources} sources\n`);
    }
  });
  process.stdout.write('pack-test: passed\n');
} catch (err) {
  failed = true;
  process.stderr.write(`pack-test: FAILED: ${err instanceof StepFailed ? err.message : (err?.stack ?? String(err))}\n`);
} finally {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
