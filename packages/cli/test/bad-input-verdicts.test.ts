import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineRefusal, fixture, spawnCli, type CliResult } from './spawn-cli.js';

// Issue 21: answers that were given but wrong or unclear. Every refusal is one line `kvmrace: ...`
// on stderr, exit 2, nothing on stdout, and nothing written in the directory the CLI ran in.

/** Spawns the CLI in a fresh empty directory, which must still be empty when it ends. */
async function kvmrace(...args: string[]): Promise<CliResult> {
  const cwd = mkdtempSync(join(tmpdir(), 'kvmrace-verdicts-'));
  const r = await spawnCli(args, { cwd, timeoutMs: 60_000 });
  expect(readdirSync(cwd), 'files written in the working directory').toEqual([]);
  return r;
}

/** The one-line refusal contract. */
async function expectRefused(args: readonly string[], message: RegExp): Promise<void> {
  expectOneLineRefusal(await kvmrace(...args), message);
}

describe.concurrent('variants say what they are', () => {
  it.each(['radix-nested', 'hpt-resize', 'change-pte', 'memslot-gen', 'pfncache', 'lost-update', 'seqcount-reader'])('verify %s (upstream by default) holds, exit 0', async (model) => {
    const r = await kvmrace('verify', model, '--json');
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ model, variant: 'upstream', verdict: 'holds' });
    expect(j.scenarios).toBeGreaterThan(0);
    expect(j.executions).toBeGreaterThan(0);
  });

  it('fixed is a synonym of upstream; all turns every toggle on (pfncache: the rework races)', async () => {
    const fixed = JSON.parse((await kvmrace('verify', 'pfncache', '--variant', 'fixed', '--json')).out);
    expect(fixed).toMatchObject({ variant: 'upstream', verdict: 'holds' });
    const all = await kvmrace('verify', 'pfncache', '--variant', 'all', '--json');
    expect(all.code).toBe(1);
    expect(JSON.parse(all.out)).toMatchObject({ variant: 'all', verdict: 'violated' });
  });

  it('hunt without --variant hunts upstream (no race), and --variant buggy finds the race', async () => {
    const upstream = await kvmrace('hunt', 'pfncache', '--strategy', 'pct', '--runs', '300', '--json');
    expect(upstream.code, upstream.err).toBe(0);
    expect(JSON.parse(upstream.out)).toMatchObject({ variant: 'upstream', found: false });
    const buggy = await kvmrace('hunt', 'pfncache', '--variant', 'buggy', '--strategy', 'pct', '--runs', '300', '--json');
    expect(buggy.code).toBe(1);
  });

  it('list --json shows each variant with its role, and the proposal with its source', async () => {
    const r = await kvmrace('list', '--json');
    expect(r.code).toBe(0);
    const pfncache = JSON.parse(r.out).find((m: { name: string }) => m.name === 'pfncache');
    expect(pfncache.variants).toEqual([
      { name: 'buggy', role: 'buggy', fixes: [] },
      { name: 'upstream', role: 'upstream', fixes: ['deactivate-takes-refresh-lock'] },
      { name: 'rework', role: 'proposal', fixes: ['rework-refresh'], source: expect.stringContaining('20240115125707.1183-21-paul@xen.org'), summary: expect.any(String) },
      { name: 'all', role: 'all', fixes: ['rework-refresh', 'deactivate-takes-refresh-lock'] },
    ]);
    expect(pfncache.fixes.find((f: { name: string }) => f.name === 'rework-refresh')).toMatchObject({ merged: false });
  });

  it('list shows the variants in text too', async () => {
    const r = await kvmrace('list');
    expect(r.out).toMatch(/^ {4}rework +rework-refresh +\(a posted proposal, <20240115125707\.1183-21-paul@xen\.org>/m);
    expect(r.out).toMatch(/^ {4}upstream +deactivate-takes-refresh-lock +\(the fix as merged/m);
  });

  it.each([
    [['verify', 'lost-update', '--variant', ''], /empty variant for model 'lost-update' \(give variants: buggy, upstream, all; fixes: take-lock\)/],
    [['verify', 'lost-update', '--variant', ' '], /empty variant/],
    [['hunt', 'lost-update', '--variant', 'buggy,take-lock'], /'buggy' is a variant, not a fix: a comma list names fixes only/],
    [['verify', 'pfncache', '--variant', 'rework,upstream'], /'rework' is a variant, not a fix/],
    [['verify', 'lost-update', '--variant', 'take-lock,take-lock'], /names fix 'take-lock' twice/],
    [['verify', 'lost-update', '--variant', 'take-lock,'], /has an empty fix name/],
    [['verify', 'lost-update', '--variant', 'nope'], /unknown fix 'nope' for model 'lost-update' \(variants: buggy, upstream, all; fixes: take-lock\)/],
    [['ablate', 'lost-update', '--variant', 'buggy'], /variant 'buggy' of model 'lost-update' has no fix toggles to ablate/],
    [['report', '--only', 'lost-update,lost-update'], /--only names model 'lost-update' twice/],
    [['report', '--only', 'lost-update,'], /--only 'lost-update,' has an empty model name/],
    [['report', '--only', ''], /--only '' has an empty model name/],
  ])('%j is refused', async (args, message) => expectRefused(args, message));
});

describe.concurrent('covering nothing is an error, not a pass', () => {
  const empty = fixture('verdict-empty-catalogue.ts');
  it.each([
    [['verify', '--model', empty], /model 'fx-empty': nothing to verify: its scenario catalogue is empty/],
    [['verify', '--model', empty, '--variant', 'buggy', '--json'], /nothing to verify/],
    [['ablate', '--model', empty], /model 'fx-empty': nothing to ablate: its scenario catalogue is empty/],
    [['report', '--model', empty, '--runs', '20', '--no-ablation'], /model 'fx-empty': nothing to verify/],
    [['hunt', '--model', empty, '--strategy', 'pct'], /model 'fx-empty': nothing to hunt in: its scenario catalogue is empty/],
    [['hunt', '--model', empty, '--strategy', 'random', '--json'], /nothing to hunt in/],
  ])('%j', async (args, message) => expectRefused(args, message));

  it('the same model verifies generated scenarios (--threads) and says how many it covered', async () => {
    const r = await kvmrace('verify', '--model', empty, '--variant', 'buggy', '--threads', '2', '--max-ops', '2');
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^violated: fx-empty \(buggy\): \d+ scenarios, \d+ executions .*memory model sc/m);
  });

  it('a holds verdict says what it covered: scenarios, executions, bound and memory model', async () => {
    const r = await kvmrace('verify', 'lost-update');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^holds: lost-update \(upstream\): 1 scenario, [1-9]\d* executions .*; every interleaving, memory model sc \(sequential consistency\)$/m);
  });
});

describe.concurrent('authoring mistakes are model errors (exit 2), naming the operation and the fix', () => {
  it.each([
    ['verdict-not-generator.ts', /model error: operation 'op': run\(\) returned undefined, not a generator: write it as function\* \(state, t\)/],
    ['verdict-async-generator.ts', /model error: operation 'op': run\(\) is an async generator: kvmrace runs synchronous generators/],
    ['verdict-returns-promise.ts', /model error: operation 'op': run\(\) returned a Promise/],
    ['verdict-yield-not-star.ts', /model error: operation 'op': yielded a call .* use yield\* to run a primitive's step/],
    ['verdict-yield-helper.ts', /model error: operation 'op': yielded a call \(a primitive's, or a helper generator\).*use yield\*/],
    ['verdict-yield-nothing.ts', /model error: operation 'op': yielded undefined, which is not a step/],
    ['verdict-invariant-undefined.ts', /model error: invariant 'forgets-return': check\(\) returned undefined: it must return true .* or false or a message string/],
    ['verdict-invariant-number.ts', /model error: invariant 'counts': check\(\) returned the number 1/],
  ])('%s: verify', async (file, message) => expectRefused(['verify', '--model', fixture(file), '--variant', 'buggy'], message));

  it.each([
    ['verdict-not-generator.ts', /operation 'op': run\(\) returned undefined/],
    ['verdict-yield-not-star.ts', /use yield\*/],
    ['verdict-invariant-number.ts', /invariant 'counts'/],
  ])('%s: hunt (fast-check) too', async (file, message) => expectRefused(['hunt', '--model', fixture(file), '--variant', 'buggy', '--runs', '50', '--json'], message));

  it.each([
    ['verdict-duplicate-invariants.ts', /model 'fx-dup-inv': two invariants are named 'same'/],
    ['verdict-duplicate-scenarios.ts', /model 'fx-dup-scen': two catalogue scenarios are named 'two'/],
    ['verdict-bad-proposal.ts', /model 'fx-bad-proposal': proposal 'series' names unknown fix 'nope'/],
    ['verdict-builtin-name.ts', /model 'fx-builtin-name': variant 'upstream' is a built-in variant name/],
  ])('%s is refused when loaded', async (file, message) => expectRefused(['list', '--model', fixture(file)], message));
});

describe.concurrent('model strings cannot drive the terminal', () => {
  it('escape sequences in operation names, invariant names and messages are printed escaped', async () => {
    const r = await kvmrace('hunt', '--model', fixture('verdict-escapes.ts'), '--variant', 'buggy', '--strategy', 'pct', '--runs', '500');
    expect(r.code, r.err).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(r.out + r.err).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.out).toContain('op\\x1b[2J\\x1b[H');
    expect(r.out).toContain('inv\\x1b]0;pwned\\x07');
    expect(r.out).toContain('lost \\x1b[31mupdate\\x1b[0m\\x0d\\x1b[2K');
  });

  it('an escape sequence in --variant is echoed escaped in the refusal', async () => {
    const r = await kvmrace('verify', 'lost-update', '--variant', '\u001b[2Jx');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^kvmrace: unknown fix '\\x1b\[2Jx'/);
  });

  it('JSON stays JSON with the same names in it', async () => {
    const r = await kvmrace('hunt', '--model', fixture('verdict-escapes.ts'), '--variant', 'buggy', '--strategy', 'pct', '--runs', '500', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).counterexample.scenario[0][0]).toBe('op\u001b[2J\u001b[H');
  });
});

describe.concurrent('a replay token knows the model it was made with', () => {
  /** A token for the lost update of version 1 of fx-versioned. */
  async function tokenOfV1(): Promise<string> {
    const r = await kvmrace('verify', '--model', fixture('verdict-versioned-v1.ts'), '--variant', 'buggy', '--json');
    expect(r.code, r.err).toBe(1);
    return JSON.parse(r.out).token as string;
  }

  it('the same version replays it (exit 1, the violation)', async () => {
    const r = await kvmrace('replay', await tokenOfV1(), '--model', fixture('verdict-versioned-v1.ts'), '--json');
    expect(r.code, r.err).toBe(1);
    expect(JSON.parse(r.out).outcome).toMatchObject({ kind: 'violation', invariant: 'no-lost-update' });
  });

  it('a version with other operations refuses it', async () => {
    await expectRefused(['replay', await tokenOfV1(), '--model', fixture('verdict-versioned-v2.ts')], /replay token was made by another version of model 'fx-versioned' \(its operations, fixes, invariants or scenario space differ\)/);
  });

  it('a version with the same names but other code refuses it', async () => {
    await expectRefused(['replay', await tokenOfV1(), '--model', fixture('verdict-versioned-v3.ts')], /replay token does not match model 'fx-versioned': the run takes other steps or ends otherwise/);
  });

  it('a token for an unregistered model suggests --model', async () => {
    await expectRefused(['replay', await tokenOfV1()], /unknown model 'fx-versioned' .*--model/);
  });
});
