import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/kvmrace.js', import.meta.url));

function kvmrace(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kvmrace CLI (spawned)', () => {
  it('runs as an executable, through its #! line (as an installed bin does)', () => {
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('list --json names the example model', () => {
    const r = kvmrace('list', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((m: { name: string }) => m.name)).toContain('lost-update');
  });

  it('hunt exits 1 with a counterexample and a token that replays', () => {
    const r = kvmrace('hunt', 'lost-update', '--variant', 'buggy', '--json', '--seed', '5');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ model: 'lost-update', variant: 'buggy', found: true });
    expect(j.counterexample.outcome.kind).toBe('violation');
    expect(j.counterexample.threads).toBe(2);
    const replay = kvmrace('replay', j.token, '--json');
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.out).trace).toEqual(j.counterexample.trace);
  });

  it('hunt exits 0 on the fixed variant', () => {
    const r = kvmrace('hunt', 'lost-update', '--variant', 'fixed', '--runs', '3000', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).found).toBe(false);
  });

  it.each([
    [['hunt', 'no-such-model'], /unknown model 'no-such-model'/],
    [['hunt', 'lost-update', '--variant', 'nope'], /unknown fix 'nope'/],
    [['hunt', 'lost-update', '--runs', 'many'], /--runs takes a whole number/],
    [['hunt', 'lost-update', '--seed', '-1'], /--seed must be between/],
    [['replay', 'kr1.AAAA.zzz'], /checksum/],
    [['replay', 'kr9.AAAA.zzz'], /version 9/],
    [['bogus'], /unknown command/],
  ])('bad input %j is one line on stderr with exit 2', (args, message) => {
    const r = kvmrace(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message as RegExp);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });
});
