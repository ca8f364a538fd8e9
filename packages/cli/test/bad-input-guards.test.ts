import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeAllOrNothing } from '../src/write-atomically.js';
import { bin, expectOneLineRefusal, fixture, type CliResult } from './spawn-cli.js';

// Issue 21 section 3 (guards that do not guard) and the model-output items of section 2: what a
// user's model prints, a model that ends the process, --max-memory in the verify worker pool and
// outside the JS heap, --step-timeout counting only the model's own time, and output files. Every
// refusal is one line `kvmrace: ...` on stderr, exit 2, nothing on stdout, and no file changed.

// A rename that fails on demand, for writing the report's two files as one unit.
const renames = vi.hoisted(() => ({ failOn: undefined as ((to: string) => boolean) | undefined }));
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return {
    ...actual,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (renames.failOn?.(String(to))) throw Object.assign(new Error(`EIO: i/o error, rename '${String(from)}' -> '${String(to)}'`), { code: 'EIO' });
      return actual.renameSync(from, to);
    },
  };
});

/** Spawns the CLI with extra environment (the pool from the first piece on, a registered model's name). */
function kvmrace(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1', CI: '1', ...env } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** Every verification goes to two pool workers from its first piece on. */
const POOL = { KVMRACE_WORKERS_AFTER_MS: '0' };
const poolArgs = ['--workers', '2'];

/** A step may run long: on a loaded machine a hog grows slowly, and the memory guard, not the step limit, is under test. */
const SLOW_OK = ['--step-timeout', '300'];

/** What a folder holds, to compare before and after: each entry's type and content or link target. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const s = lstatSync(path);
    out[name] = s.isSymbolicLink() ? `link -> ${readlinkSync(path)}` : s.isFile() ? `file ${readFileSync(path, 'utf8')}` : s.isDirectory() ? `folder [${readdirSync(path).sort().join(',')}]` : `other mode ${s.mode}`;
  }
  return out;
}

/** A fresh temporary folder. */
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'kvmrace-guards-'));

/** A folder no file can be created in, even by root (who ignores permission bits): /sys is sysfs. */
function unwritableDir(): string {
  if (process.getuid?.() === 0) return '/sys';
  const dir = tempDir();
  chmodSync(dir, 0o555);
  return dir;
}

/** Refused in one line with `message`, and `dir` (if given) exactly as it was. */
async function expectRefusedUnchanged(args: readonly string[], message: RegExp, dir?: string, env: Record<string, string> = {}): Promise<CliResult> {
  const before = dir !== undefined ? snapshot(dir) : undefined;
  const r = await kvmrace(args, env);
  expectOneLineRefusal(r, message);
  if (dir !== undefined) expect(snapshot(dir), 'files changed').toEqual(before);
  return r;
}

/** A report folder holding a previous run's two files. */
function previousReport(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'kvmrace-report.json'), '{"previous":true}\n');
  writeFileSync(join(dir, 'kvmrace-report.html'), '<p>previous</p>\n');
  return dir;
}

describe.concurrent('what a model prints goes to stderr, named; stdout stays JSON', () => {
  /** Every stderr line is the model's, prefixed with the code that printed it; escapes are made visible. */
  function expectModelLines(err: string): void {
    const lines = err.trim().split('\n');
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(line).toMatch(/^\[(operation 'inc'|setup\(\)|invariant 'counted'|model file)\] (op says hi|op writes raw|op complains \\x1b\[2J|setting up|checking|loading guard-prints)$/);
    for (const said of ["[operation 'inc'] op says hi", "[operation 'inc'] op writes raw", '[setup()] setting up', "[invariant 'counted'] checking", '[model file] loading guard-prints']) expect(lines).toContain(said);
    expect(err).not.toContain('\x1b');
  }

  it.each([
    ['verify', ['verify', '--model', fixture('guard-prints.ts'), '--json'], {}],
    ['verify on the worker pool', ['verify', '--model', fixture('guard-prints.ts'), '--json', ...poolArgs], POOL],
    ['hunt (fast-check)', ['hunt', '--model', fixture('guard-prints.ts'), '--runs', '20', '--json'], {}],
  ])('%s --json: stdout parses, the model output is on stderr', async (_what, args, env) => {
    const r = await kvmrace(args, env);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).model).toBe('fx-prints');
    expect(r.out).not.toMatch(/op says hi|setting up|loading guard-prints/);
    expectModelLines(r.err);
  });

  it('report --json: stdout is the report alone', async () => {
    const dir = tempDir();
    const r = await kvmrace(['report', '--model', fixture('guard-prints.ts'), '--runs', '20', '--no-ablation', '--json', '--out', dir]);
    expect(r.code, r.err).toBe(1); // the fixture has no race for its buggy variant to show
    expect(JSON.parse(r.out).models[0].name).toBe('fx-prints');
    expectModelLines(r.err);
  });
});

describe.concurrent('a model that calls process.exit() is a model error naming the code', () => {
  it.each([
    ['an operation (verify)', ['verify', '--model', fixture('guard-exit-in-op.ts')], {}, /^kvmrace: model 'fx-exit-op': operation 'inc' called process\.exit\(\); a model must not end the process$/],
    ['an operation (hunt)', ['hunt', '--model', fixture('guard-exit-in-op.ts'), '--runs', '20', '--json'], {}, /^kvmrace: model 'fx-exit-op': operation 'inc' called process\.exit\(\)/],
    ['setup (hunt --strategy random)', ['hunt', '--model', fixture('guard-exit-in-setup.ts'), '--strategy', 'random', '--runs', '20'], {}, /^kvmrace: model 'fx-exit-setup': setup\(\) called process\.exit\(\); a model must not end the process$/],
    ['an invariant (verify)', ['verify', '--model', fixture('guard-exit-in-invariant.ts'), '--json'], {}, /^kvmrace: model 'fx-exit-invariant': invariant 'counted' called process\.exit\(\)/],
    ['the model file while it loads (list)', ['list', '--model', fixture('guard-exit-on-load.ts')], {}, /^kvmrace: the model file called process\.exit\(\) while loading; a model must not end the process$/],
    ['an operation in a verify pool worker', ['verify', '--model', fixture('guard-exit-in-pool.ts'), '--json', ...poolArgs], POOL, /^kvmrace: model 'fx-exit-pool': operation 'inc' called process\.exit\(\); a model must not end the process$/],
  ])('in %s: exit 2, one line', async (_what, args, env, message) => {
    await expectRefusedUnchanged(args, message, undefined, env);
  });

  it('in report: the previous report stays as it was', async () => {
    const dir = previousReport();
    await expectRefusedUnchanged(['report', '--model', fixture('guard-exit-in-op.ts'), '--runs', '20', '--out', dir], /operation 'inc' called process\.exit\(\)/, dir);
  });
});

describe.concurrent('--max-memory holds in the worker pool and outside the JS heap', () => {
  it('typed arrays (outside the JS heap) in an operation: stopped at --max-memory', async () => {
    await expectRefusedUnchanged(['hunt', '--model', fixture('guard-buffers.ts'), '--max-memory', '128', ...SLOW_OK], /^kvmrace: model 'fx-buffers' ran out of memory \(more than 128 MB, typed arrays and buffers included\); raise --max-memory if it needs more$/);
  });

  it('typed arrays in a verify pool worker: stopped', async () => {
    await expectRefusedUnchanged(['verify', '--model', fixture('guard-buffers-in-pool.ts'), '--max-memory', '128', ...SLOW_OK, '--json', ...poolArgs], /^kvmrace: model 'fx-buffers-pool' ran out of memory \(more than 128 MB, typed arrays and buffers included\)/, undefined, POOL);
  });

  it('JS heap in a verify pool worker: stopped at its heap limit', async () => {
    const claim = join(tempDir(), 'claim');
    await expectRefusedUnchanged(['verify', '--model', fixture('guard-heap-in-pool.ts'), '--max-memory', '128', ...SLOW_OK, '--json', ...poolArgs], /^kvmrace: model 'fx-heap-pool' ran out of memory \(more than 128 MB of heap\); raise --max-memory if it needs more$/, undefined, { ...POOL, KVMRACE_GUARD_CLAIM: claim });
    expect(existsSync(claim), 'a pool worker ran the hog').toBe(true);
  });

  it('every pool worker runs with the heap limit', async () => {
    const r = await kvmrace(['verify', '--model', fixture('guard-pool-limits.ts'), '--max-memory', '200', '--json', ...poolArgs], POOL);
    expect(r.code, r.err).toBe(0);
    const said = r.err.trim().split('\n');
    expect(said.length).toBeGreaterThan(0);
    for (const line of said) expect(line).toBe('[model file] pool worker heap limit: 200 MB');
  });

  it('a sound model under the smallest limit is not stopped for the runtimes it runs in (pool of 2)', async () => {
    const r = await kvmrace(['verify', '--model', fixture('guard-registered.ts'), '--max-memory', '64', '--json', ...poolArgs], { ...POOL, KVMRACE_GUARD_MODEL: 'pfncache' });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ model: 'pfncache', verdict: 'holds' });
  });

  it('a report whose model runs out of memory leaves the previous report as it was', async () => {
    const dir = previousReport();
    await expectRefusedUnchanged(['report', '--model', fixture('guard-buffers.ts'), '--max-memory', '128', ...SLOW_OK, '--runs', '20', '--out', dir], /ran out of memory \(more than 128 MB/, dir);
  });
});

describe.concurrent("--step-timeout counts only the model's own time", () => {
  it.each(['radix-nested', 'hpt-resize', 'change-pte', 'memslot-gen', 'pfncache', 'lost-update', 'seqcount-reader'])('verify %s as a model file, --step-timeout 1, on the pool: holds', async (model) => {
    const r = await kvmrace(['verify', '--model', fixture('guard-registered.ts'), '--step-timeout', '1', '--json', ...poolArgs], { ...POOL, KVMRACE_GUARD_MODEL: model });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ model, verdict: 'holds' });
    expect(r.err).toBe('');
  });

  it.each([
    ['verify on the pool', ['verify', '--model', fixture('guard-slow-load.ts'), '--step-timeout', '1', '--json', ...poolArgs]],
    ['hunt', ['hunt', '--model', fixture('guard-slow-load.ts'), '--step-timeout', '1', '--runs', '50', '--json']],
  ])('a model file that takes 1.5 s to load is not a step over 1 s: %s', async (_what, args) => {
    const r = await kvmrace(args, POOL);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).model).toBe('fx-slow-load');
  });

  it('a step that never returns in a pool worker is still stopped, named', async () => {
    await expectRefusedUnchanged(['verify', '--model', fixture('guard-spins-in-pool.ts'), '--step-timeout', '2', '--json', ...poolArgs], /^kvmrace: model 'fx-spin-pool': operation 'inc' did not return within 2 s \(a synchronous infinite loop in one step\?\)/, undefined, POOL);
  });
});

describe.concurrent('output files: nothing but a regular file in the way, a writable folder, checked before any work', () => {
  it('--svg onto a symbolic link: refused, the link and its target untouched', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'target.txt'), 'precious\n');
    symlinkSync('target.txt', join(dir, 'race.svg'));
    await expectRefusedUnchanged(['hunt', 'lost-update', '--variant', 'buggy', '--svg', join(dir, 'race.svg')], /^kvmrace: cannot write --svg .*race\.svg: it is a symbolic link; kvmrace replaces output files whole/, dir);
  });

  it('--svg onto a device (/dev/full): refused, the device stays', async () => {
    await expectRefusedUnchanged(['hunt', 'lost-update', '--variant', 'buggy', '--svg', '/dev/full'], /^kvmrace: cannot write --svg \/dev\/full: it is a device/);
    expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('--svg onto a folder: refused', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'race.svg'));
    await expectRefusedUnchanged(['hunt', 'lost-update', '--variant', 'buggy', '--svg', join(dir, 'race.svg')], /^kvmrace: cannot write --svg .*: it is a folder/, dir);
  });

  it('--svg onto a fifo: refused (and not blocked opening it)', async () => {
    const dir = tempDir();
    expect(spawnSync('mkfifo', [join(dir, 'race.svg')]).status).toBe(0);
    await expectRefusedUnchanged(['hunt', 'lost-update', '--variant', 'buggy', '--svg', join(dir, 'race.svg')], /^kvmrace: cannot write --svg .*: it is a named pipe \(fifo\)/, dir);
  });

  it('--svg into a folder that cannot be written: refused before the hunt', async () => {
    const dir = unwritableDir();
    await expectRefusedUnchanged(['hunt', 'lost-update', '--variant', 'buggy', '--svg', join(dir, 'race.svg')], /^kvmrace: cannot write --svg .*race\.svg: folder .* is not writable \(E[A-Z]+\)$/, dir);
  });

  it('--svg under a regular file: refused', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), 'x');
    await expectRefusedUnchanged(['hunt', 'lost-update', '--variant', 'buggy', '--svg', join(dir, 'a-file', 'race.svg')], /^kvmrace: cannot write --svg .*: .*a-file is not a folder$/, dir);
  });

  it('replay --svg onto a symbolic link: refused', async () => {
    const hunted = await kvmrace(['hunt', 'lost-update', '--variant', 'buggy', '--json']);
    const token = JSON.parse(hunted.out).token as string;
    const dir = tempDir();
    symlinkSync('/etc/hostname', join(dir, 'race.svg'));
    await expectRefusedUnchanged(['replay', token, '--svg', join(dir, 'race.svg')], /^kvmrace: cannot write --svg .*: it is a symbolic link/, dir);
  });

  it('report --out a folder that cannot be written: refused before any work', async () => {
    const dir = unwritableDir();
    const started = performance.now();
    await expectRefusedUnchanged(['report', '--only', 'pfncache', '--out', dir], /^kvmrace: cannot write the report into .*: folder .* is not writable \(E[A-Z]+\)$/, dir);
    // The report of pfncache takes several seconds; the refusal does not wait for it.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('report --out where a folder is in the way of the HTML file: refused, the previous JSON stays', async () => {
    const dir = previousReport();
    fs.rmSync(join(dir, 'kvmrace-report.html'));
    mkdirSync(join(dir, 'kvmrace-report.html'));
    await expectRefusedUnchanged(['report', '--only', 'lost-update', '--runs', '20', '--out', dir], /^kvmrace: cannot write the report into .*: kvmrace-report\.html: it is a folder/, dir);
  });

  it('report --out where the JSON file is a symbolic link: refused, its target untouched', async () => {
    const dir = previousReport();
    writeFileSync(join(dir, 'elsewhere.json'), 'not yours\n');
    fs.rmSync(join(dir, 'kvmrace-report.json'));
    symlinkSync('elsewhere.json', join(dir, 'kvmrace-report.json'));
    await expectRefusedUnchanged(['report', '--only', 'lost-update', '--runs', '20', '--out', dir], /^kvmrace: cannot write the report into .*: kvmrace-report\.json: it is a symbolic link/, dir);
  });

  it('a report that can be written replaces both files of the previous one, and leaves no temporary file', async () => {
    const dir = previousReport();
    const r = await kvmrace(['report', '--only', 'lost-update', '--runs', '20', '--no-ablation', '--out', dir]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['kvmrace-report.html', 'kvmrace-report.json']);
    expect(JSON.parse(readFileSync(join(dir, 'kvmrace-report.json'), 'utf8')).models[0].name).toBe('lost-update');
    expect(readFileSync(join(dir, 'kvmrace-report.html'), 'utf8')).toMatch(/lost-update/);
  });
});

describe('the report is written as one unit: both files or neither', () => {
  const files = (dir: string) => [
    { path: join(dir, 'kvmrace-report.json'), text: '{"new":true}\n' },
    { path: join(dir, 'kvmrace-report.html'), text: '<p>new</p>\n' },
  ];

  it('the second rename fails: the first file gets its previous content back, no temporary left', () => {
    const dir = previousReport();
    const before = snapshot(dir);
    renames.failOn = (to) => to.endsWith('kvmrace-report.html');
    try {
      expect(() => writeAllOrNothing(files(dir))).toThrow(/EIO/);
    } finally {
      renames.failOn = undefined;
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('the second rename fails with no previous report: neither file is left', () => {
    const dir = tempDir();
    renames.failOn = (to) => to.endsWith('kvmrace-report.html');
    try {
      expect(() => writeAllOrNothing(files(dir))).toThrow(/EIO/);
    } finally {
      renames.failOn = undefined;
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('the second file cannot be written at all: the first is not replaced', () => {
    const dir = previousReport();
    const before = snapshot(dir);
    expect(() => writeAllOrNothing([files(dir)[0] as { path: string; text: string }, { path: join(dir, 'missing-folder', 'x.html'), text: 'x' }])).toThrow(/ENOENT/);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(join(dir, 'missing-folder'))).toBe(false);
  });

  it('when nothing fails both are replaced', () => {
    const dir = previousReport();
    writeAllOrNothing(files(dir));
    expect(snapshot(dir)).toEqual({ 'kvmrace-report.html': 'file <p>new</p>\n', 'kvmrace-report.json': 'file {"new":true}\n' });
  });
});
