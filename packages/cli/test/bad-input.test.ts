import { encodeToken } from '@kvmrace/core';
import { spawn } from 'node:child_process';
import { bin, expectOneLineRefusal, fixture, spawnCli } from './spawn-cli.js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Bad input to the spawned CLI: every refusal is one line `kvmrace: ...` on stderr, exit 2, no
// stack trace and nothing on stdout; a model that misbehaves while running is a verdict (exit 1).

/** Spawns the CLI. */
const kvmrace = (...args: string[]) => spawnCli(args);

/** The one-line refusal contract. */
async function expectRefused(args: readonly string[], message: RegExp) {
  expectOneLineRefusal(await kvmrace(...args), message);
}

/** A token with a valid checksum around any payload (FNV-1a, base 36, as core computes it). */
function forge(payload: unknown, version = 1): string {
  const text = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8').toString('base64url');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `kr${version}.${text}.${h.toString(36)}`;
}

const lostUpdate = (over: Partial<Parameters<typeof encodeToken>[0]> = {}) =>
  encodeToken({ model: 'lost-update', fixes: [], scenario: [['increment'], ['increment']], schedule: [0, 1, 0, 1], engine: 'test', ...over });

describe.concurrent('bad names and options', () => {
  it.each([
    [['hunt', 'no-such-model'], /unknown model 'no-such-model'/],
    [['ablate', 'no-such-model'], /unknown model/],
    [['hunt', 'lost-update', '--variant', 'nope'], /unknown fix 'nope'/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['hnut', 'lost-update'], /unknown command 'hnut' \(Did you mean hunt\?\)$/],
    [['hunt', 'lost-update', '--rusn', '5'], /unknown option '--rusn' \(Did you mean --runs\?\)$/],
    [['list', '--model'], /option '--model <file>' argument missing/],
    [['hunt', 'lost-update', '--strategy', 'psychic'], /Allowed choices are fast-check, random, pct/],
    [['hunt'], /give a model name/],
    [['replay'], /missing required argument 'token'/],
  ])('%j', async (args, message) => expectRefused(args, message));
});

describe.concurrent('bad numbers', () => {
  it.each([
    [['hunt', 'lost-update', '--runs', '0'], /--runs must be between 1 and/],
    [['hunt', 'lost-update', '--runs', '99999999999999999999999'], /--runs must be between/],
    [['hunt', 'lost-update', '--runs', '1e3'], /--runs takes a whole number, not '1e3'/],
    [['hunt', 'lost-update', '--seed', 'x'], /--seed takes a whole number/],
    [['hunt', 'lost-update', '--seed', '-1'], /--seed must be between 0 and 4294967295/],
    [['hunt', 'lost-update', '--depth', '0'], /--depth must be between 1 and 20/],
    [['verify', 'lost-update', '--threads', '17'], /--threads must be between 1 and 16/],
    [['verify', 'lost-update', '--max-ops', '-3'], /--max-ops must be between 1 and 64/],
    [['verify', 'lost-update', '--preemptions', 'x'], /--preemptions takes a whole number/],
    [['verify', 'lost-update', '--shard', '0/0'], /--shard takes i\/n/],
    [['verify', 'lost-update', '--shard', '3/2'], /--shard takes i\/n/],
    [['verify', 'lost-update', '--shard', 'x'], /--shard takes i\/n/],
    [['report', '--only', 'lost-update', '--runs', '0', '--out', '/nonexistent-kvmrace-never'], /--runs must be between/],
  ])('%j', async (args, message) => {
    await expectRefused(args, message);
    expect(existsSync('/nonexistent-kvmrace-never')).toBe(false);
  });
});

describe.concurrent('bad replay tokens', () => {
  const good = lostUpdate();
  it.each([
    ['not a token', 'garbage', /not a kvmrace replay token/],
    ['another version', good.replace(/^kr1\./, 'kr2.'), /version 2 is not supported/],
    ['truncated checksum', good.slice(0, -2), /checksum does not match/],
    ['tampered payload', good.replace(/^(kr1\.)(.)/, (_m, p: string, c: string) => p + (c === 'A' ? 'B' : 'A')), /checksum does not match/],
    ['a payload that is not JSON', forge('{not json'), /payload is not valid/],
    ['a schedule naming a missing thread', forge({ m: 'lost-update', f: [], s: [['increment']], r: [3, 1] }), /names a thread the scenario does not have/],
    ['an absurdly long schedule', forge({ m: 'lost-update', f: [], s: [['increment']], r: [0, 20_000_000] }), /too long/],
    ['an unknown model', lostUpdate({ model: 'no-such-model' }), /unknown model 'no-such-model'/],
    ['an unknown fix', lostUpdate({ fixes: ['nope'] }), /names fix 'nope'/],
    ['an unknown operation', lostUpdate({ scenario: [['increment'], ['decrement']] }), /scenario does not fit/],
    ['more threads than any run may have', forge({ m: 'lost-update', f: [], s: Array.from({ length: 17 }, () => ['increment']), r: [0, 1] }), /scenario is malformed/],
    ['a schedule that runs past the end', lostUpdate({ schedule: [0, 0, 0, 0, 1, 1] }), /schedule does not fit/],
    ['a schedule that stops early', lostUpdate({ schedule: [0] }), /schedule does not fit/],
  ])('%s', async (_what, token, message) => expectRefused(['replay', token, '--json'], message));

  it('the untampered token replays (exit 1, a violation)', async () => {
    const r = await kvmrace('replay', good, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).outcome.kind).toBe('violation');
  });
});

describe.concurrent('bad --model files', () => {
  it.each([
    ['missing', fixture('missing.ts'), /model file not found/],
    ['a directory', fixture('a-directory'), /model path is not a file/],
    ['exporting nothing', fixture('exports-nothing.ts'), /exports no model/],
    ['exporting two models', fixture('two-models.ts'), /exports 2 models \(fx-a, fx-b\)/],
    ['throwing on load (first line of the message only)', fixture('throws-on-load.ts'), /failed to load: refusing to load$/],
    ['with a syntax error', fixture('syntax-error.js'), /failed to load/],
    ['defining an invalid model', fixture('bad-define.ts'), /unknown operation 'missing-op'/],
  ])('%s', async (_what, file, message) => expectRefused(['list', '--model', file], message));

  it.each([
    ['verify', ['verify', '--model', fixture('setup-throws.ts')]],
    ['hunt (fast-check)', ['hunt', '--model', fixture('setup-throws.ts'), '--runs', '5', '--json']],
  ])('a model whose setup throws: %s is refused in one line', async (_what, args) => expectRefused(args as string[], /model 'fx-setup' .* failed in setup: setup exploded/));

  it('a model whose setup throws: report writes nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kvmrace-bad-')), 'out');
    await expectRefused(['report', '--model', fixture('setup-throws.ts'), '--runs', '5', '--out', dir], /failed in setup/);
    expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  });

  it('a report into a file path fails before any work, nothing written', async () => {
    const base = mkdtempSync(join(tmpdir(), 'kvmrace-bad-'));
    const file = join(base, 'a-file');
    writeFileSync(file, 'x');
    await expectRefused(['report', '--only', 'lost-update', '--out', file], /cannot create report folder/);
    expect(readdirSync(base)).toEqual(['a-file']);
  });

  it('a thread that throws is a verdict: exit 1, an oops with its trace', async () => {
    const r = await kvmrace('verify', '--model', fixture('throws-in-thread.ts'), '--json');
    expect(r.code, r.err).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.verdict).toBe('violated');
    expect(j.counterexample.outcome).toMatchObject({ kind: 'oops', message: expect.stringMatching(/boom in thread/) });
    expect(j.counterexample.trace.length).toBeGreaterThan(0);
    expect(j.token).toMatch(/^kr1\./);
    const again = await kvmrace('replay', j.token, '--model', fixture('throws-in-thread.ts'), '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out).outcome.kind).toBe('oops');
  });

  it.each([['fast-check']])('a thread that throws found by hunt (%s): exit 1, an oops', async (strategy) => {
    const r = await kvmrace('hunt', '--model', fixture('throws-in-thread.ts'), '--strategy', strategy, '--runs', '5', '--json');
    expect(r.code, r.err).toBe(1);
    expect(JSON.parse(r.out).counterexample.outcome.kind).toBe('oops');
  });

  it('a thread that yields forever reaches the step budget: bound reached, not decided, never a livelock (exit 1)', async () => {
    const r = await kvmrace('verify', '--model', fixture('yields-forever.ts'), '--json');
    expect(r.code, r.err).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.counterexample.outcome.kind).toBe('bound-reached');
    expect(j.counterexample.outcome.message).toMatch(/^not decided within 200 steps/);
    expect(r.out).not.toMatch(/livelock/);
    expect(j.counterexample.steps).toBe(200);
  });

  it('a well-formed model file still works (exit 0, the fixture base is sound)', async () => {
    const r = await kvmrace('hunt', '--model', fixture('good.ts'), '--strategy', 'random', '--runs', '20', '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ model: 'fx-good', found: false });
  });
});

describe.concurrent('model code that never returns, or never stops allocating, is stopped', () => {
  it('a synchronous infinite loop inside one step: stopped after --step-timeout, naming the operation', async () => {
    const started = performance.now();
    await expectRefused(['hunt', '--model', fixture('spins-in-step.ts'), '--step-timeout', '5'], /model 'fx-spin': operation 'op' did not return within 5 s \(a synchronous infinite loop in one step\?\)/);
    expect(performance.now() - started).toBeLessThan(25_000);
  });

  it('a model file that never finishes loading is stopped', async () => {
    await expectRefused(['verify', '--model', fixture('spins-on-load.ts'), '--step-timeout', '1'], /the model file did not finish loading within 11 s/);
  });

  it('a step that allocates without bound is stopped at --max-memory', async () => {
    await expectRefused(['hunt', '--model', fixture('allocates-forever.ts'), '--max-memory', '128'], /model 'fx-alloc' ran out of memory \(more than 128 MB of heap\)/);
  });

  it('a report whose model spins writes nothing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kvmrace-bad-')), 'out');
    await expectRefused(['report', '--model', fixture('spins-in-step.ts'), '--runs', '5', '--out', dir, '--step-timeout', '5'], /did not return within 5 s/);
    expect(existsSync(dir) ? readdirSync(dir).filter((f) => !f.endsWith('.tmp')) : []).toEqual([]);
  });

  it.each([
    [['hunt', '--model', fixture('good.ts'), '--step-timeout', '0'], /--step-timeout must be between 1 and 86400, not 0/],
    [['hunt', '--model', fixture('good.ts'), '--max-memory', '12'], /--max-memory must be between 64 and/],
  ])('bad limits: %j', async (args, message) => expectRefused(args, message));
});

describe.concurrent('a bound too large to explore is refused without --force', () => {
  it.each([
    // Too many scenarios to list: refused at once, with the count before any reduction.
    [['verify', 'pfncache', '--threads', '3', '--max-ops', '5'], /verify pfncache: bound too large to explore: 29305 scenarios, about 1\.1e48 interleavings before partial-order reduction .*pass --force$/],
    // Otherwise the real search is probed, and refused when its estimated time passes --max-time.
    [['verify', 'hpt-resize', '--threads', '3', '--max-time', '1', '--json'], /verify hpt-resize: estimated about \S+ executions, about \S+ s on one thread \(probed \d+ of \d+ scenarios\), more than --max-time 1 s; .*raise --max-time, or pass --force$/],
    [['verify', 'memslot-gen', '--max-ops', '4', '--preemptions', '3', '--max-time', '1'], /verify memslot-gen: estimated .* more than --max-time 1 s/],
  ])('%j', async (args, message) => expectRefused(args, message));

  it('a bound within the limits runs without a warning', async () => {
    const r = await kvmrace('verify', 'seqcount-reader', '--threads', '2', '--max-ops', '3', '--preemptions', '1', '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).verdict).toBe('holds');
  });

  it('a shard is judged by its share of the work', async () => {
    // The probes are deterministic: a shard's estimate is half the whole's.
    const executions = async (extra: string[]) => {
      const r = await kvmrace('verify', 'hpt-resize', '--threads', '3', '--max-time', '1', ...extra);
      expect(r.code).toBe(2);
      return Number(/estimated about (\S+) executions/.exec(r.err)?.[1]);
    };
    const whole = await executions([]);
    const half = await executions(['--shard', '1/2']);
    expect(whole).toBeGreaterThan(0);
    expect(half / whole).toBeCloseTo(0.5, 1);
  });

  it('with --force it warns with the estimate and starts exploring', async () => {
    const child = spawn(process.execPath, [bin, 'verify', 'hpt-resize', '--threads', '3', '--max-time', '1', '--force'], { env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    let err = '';
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    await new Promise<void>((done) => child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; if (err.includes('\n')) done(); }));
    expect(err).toMatch(/^kvmrace: warning: verify hpt-resize: estimated .*, more than --max-time 1 s; exploring anyway \(--force\)\n$/);
    expect(child.exitCode).toBeNull();
    child.kill();
    await exited;
  });
});

describe.concurrent('--svg and --version', () => {
  it('hunt --svg writes the swimlane of the race found', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'kvmrace-svg-')), 'race.svg');
    const r = await kvmrace('hunt', 'lost-update', '--variant', 'buggy', '--svg', file);
    expect(r.code, r.err).toBe(1);
    expect(readFileSync(file, 'utf8')).toMatch(/^<svg[\s\S]*no-lost-update[\s\S]*<\/svg>\s*$/);
  });

  it('hunt --svg into a missing folder is refused before any work', async () => {
    await expectRefused(['hunt', 'lost-update', '--svg', '/nonexistent-kvmrace-never/race.svg'], /cannot write --svg .*folder .* does not exist/);
  });

  it('--version prints the package version', async () => {
    const r = await kvmrace('--version');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')).version);
  });
});
