import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineRefusal, fixture, spawnCli } from './spawn-cli.js';

// A model file in a directory of the user's own, outside this repository: its imports of
// @kvmrace/core and the model packages resolve to the CLI's own copies when the directory has no
// node_modules, and a different @kvmrace/core installed beside it is refused in one line.

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const coreVersion = (JSON.parse(readFileSync(join(repo, 'packages/core/package.json'), 'utf8')) as { version: string }).version;
const made: string[] = [];

/** A fresh directory under the system's temp folder holding copies of the named fixtures. */
function userDirectory(...fixtures: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kvmrace-outside-'));
  made.push(dir);
  for (const name of fixtures) copyFileSync(fixture(name), join(dir, name));
  return dir;
}

/** Installs a stand-in `node_modules/@kvmrace/core` of `version` (a package.json, no code) in `dir`. */
function fakeCore(dir: string, version: string): string {
  const pkg = join(dir, 'node_modules', '@kvmrace', 'core');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@kvmrace/core', version, type: 'module', main: './missing.js' }));
  return pkg;
}

/** Runs the CLI with the user's directory as the working directory, as a user would. */
const kvmraceIn = (dir: string, ...args: string[]) => spawnCli(args, { cwd: dir });

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('a model file outside the repository', () => {
  it('is outside the repository, with no node_modules at or above it', () => {
    const dir = userDirectory();
    expect(relative(repo, dir).startsWith('..')).toBe(true);
    for (let at = dir; dirname(at) !== at; at = dirname(at)) expect(existsSync(join(at, 'node_modules', '@kvmrace')), at).toBe(false);
  });

  it('imports @kvmrace/core with no node_modules: hunt finds its race, verify proves its fix', async () => {
    const dir = userDirectory('outside-lost-update.ts');
    const hunt = await kvmraceIn(dir, 'hunt', '--model', './outside-lost-update.ts', '--variant', 'buggy');
    expect(hunt.code, hunt.err).toBe(1);
    expect(hunt.err).toBe('');
    expect(hunt.out).toMatch(/race found in outside-lost-update \(buggy\)/);
    expect(hunt.out).toMatch(/no-lost-update broken/);
    // Verify loads the model again in each of its worker threads.
    const verify = await kvmraceIn(dir, 'verify', '--model', './outside-lost-update.ts', '--workers', '2');
    expect(verify.code, verify.err).toBe(0);
    expect(verify.out).toMatch(/^holds: outside-lost-update \(upstream\)/);
  });

  it('imports @kvmrace/core for types only and a model package (@kvmrace/pfncache) for its code', async () => {
    const dir = userDirectory('outside-uses-pfncache.ts');
    const r = await kvmraceIn(dir, 'hunt', '--model', './outside-uses-pfncache.ts', '--variant', 'buggy', '--seed', '1');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/race found in my-pfncache \(buggy\)/);
  });

  it('imports a package nobody has: one line naming it and what kvmrace brings itself', async () => {
    const dir = userDirectory('outside-imports-unknown.ts');
    const r = await kvmraceIn(dir, 'hunt', '--model', './outside-imports-unknown.ts');
    expectOneLineRefusal(r, /failed to load: Cannot find module 'kvmrace-fixture-package-that-does-not-exist' \(kvmrace brings .*@kvmrace\/core.* itself; install other packages beside the model file/);
  });

  it('beside a @kvmrace/core of another version: refused in one line naming both versions and where', async () => {
    const dir = userDirectory('outside-lost-update.ts');
    const theirs = fakeCore(dir, '9.9.9');
    const r = await kvmraceIn(dir, 'hunt', '--model', './outside-lost-update.ts', '--variant', 'buggy');
    expectOneLineRefusal(r, /sees @kvmrace\/core@9\.9\.9/);
    expect(r.err).toContain(`@kvmrace/core@9.9.9 (${theirs})`);
    expect(r.err).toContain(`this kvmrace runs with @kvmrace/core@${coreVersion} (`);
  });

  it('a @kvmrace/core of another version above the model directory is found too', async () => {
    const dir = userDirectory();
    fakeCore(dir, '9.9.8');
    const sub = join(dir, 'models', 'deep');
    mkdirSync(sub, { recursive: true });
    copyFileSync(fixture('outside-lost-update.ts'), join(sub, 'outside-lost-update.ts'));
    const r = await kvmraceIn(dir, 'hunt', '--model', 'models/deep/outside-lost-update.ts', '--variant', 'buggy');
    expectOneLineRefusal(r, /sees @kvmrace\/core@9\.9\.8 .* runs with @kvmrace\/core@/);
  });

  it("beside a @kvmrace/core of the same version: the model still runs against the CLI's own copy", async () => {
    // The stand-in has no code at all: the race is found only if the CLI's copy is the one loaded.
    const dir = userDirectory('outside-lost-update.ts');
    fakeCore(dir, coreVersion);
    const r = await kvmraceIn(dir, 'hunt', '--model', './outside-lost-update.ts', '--variant', 'buggy');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/race found in outside-lost-update \(buggy\)/);
  });
});
