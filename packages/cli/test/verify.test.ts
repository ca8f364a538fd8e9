import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/kvmrace.js', import.meta.url));

function kvmrace(...args: string[]) {
  // Workers take over at once (not after 2 s), so that the worker pool is what these runs test.
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', KVMRACE_WORKERS_AFTER_MS: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kvmrace verify and ablate (spawned)', () => {
  it('verify exits 0 when the upstream variant (the default) holds', () => {
    const r = kvmrace('verify', 'lost-update', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ model: 'lost-update', variant: 'upstream', verdict: 'holds', scenarios: 1, redundant: 0 });
    expect(j.bound).toMatchObject({ preemptions: null, scenarios: 'catalogue' });
    expect(j.executions).toBeGreaterThan(0);
    expect(typeof j.ms).toBe('number');
    expect(j.counterexample).toBeUndefined();
    expect(kvmrace('verify', 'lost-update').out).toMatch(/^holds: lost-update \(upstream\): 1 scenario,/);
  });

  it('verify --minimal exits 1 with the smallest counterexample, shaped like hunt, that replays', () => {
    const r = kvmrace('verify', 'lost-update', '--variant', 'buggy', '--minimal', '--threads', '3', '--max-ops', '3', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ variant: 'buggy', verdict: 'violated', bound: { threads: 3, maxOps: 3, scenarios: 'generated' } });
    expect(j.counterexample).toMatchObject({ threads: 2, operations: 2, preemptions: 1, steps: 4, engine: 'exhaustive', outcome: { kind: 'violation', invariant: 'no-lost-update' } });
    expect(Object.keys(j.counterexample)).toEqual(['threads', 'operations', 'preemptions', 'steps', 'outcome', 'scenario', 'schedule', 'engine', 'trace']);
    const replay = kvmrace('replay', j.token, '--json');
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.out).trace).toEqual(j.counterexample.trace);
    const text = kvmrace('verify', 'lost-update', '--variant', 'buggy', '--minimal');
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/smallest counterexample: 2 threads, 2 operations, 1 preemption, 4 steps/);
    expect(text.out).toMatch(/replay: kvmrace replay kr1/);
  });

  it('verify honours --preemptions and --shard', () => {
    expect(kvmrace('verify', 'lost-update', '--variant', 'buggy', '--preemptions', '0').code).toBe(0);
    expect(kvmrace('verify', 'lost-update', '--variant', 'buggy', '--preemptions', '1').code).toBe(1);
    const shards = [1, 2, 3].map((i) => kvmrace('verify', 'lost-update', '--threads', '3', '--max-ops', '3', '--shard', `${i}/3`, '--json'));
    for (const s of shards) {
      expect(s.code).toBe(0);
      expect(JSON.parse(s.out).verdict).toBe('holds');
    }
    expect(shards.map((s) => JSON.parse(s.out).bound.shard)).toEqual(['1/3', '2/3', '3/3']);
  });

  it.each([
    [['verify', 'lost-update', '--variant', 'buggy', '--minimal', '--threads', '3', '--max-ops', '3', '--json']],
    [['verify', '--model', fileURLToPath(new URL('./tutorial/seqcount-reader.ts', import.meta.url)), '--variant', 'buggy', '--minimal', '--json']],
    [['verify', 'radix-nested', '--engine', 'dpor', '--json']],
    [['verify', 'pfncache', '--preemptions', '1', '--json']],
  ])('%j: whole pieces: the same JSON on 1 and on 3 worker threads', (args) => {
    const one = kvmrace('--no-timing', ...args, '--workers', '1');
    const three = kvmrace('--no-timing', ...args, '--workers', '3');
    expect(one.err).toBe('');
    expect([0, 1]).toContain(one.code);
    expect(three.code).toBe(one.code);
    expect(three.out).toBe(one.out);
  });

  /** The JSON without the work counts, which work stealing makes depend on timing. */
  const verdictOnly = (out: string): Record<string, unknown> => {
    const { executions, complete, redundant, stateHits, states, ...rest } = JSON.parse(out) as Record<string, unknown>;
    for (const n of [executions, complete, redundant, stateHits, states]) expect(typeof n).toBe('number');
    return rest;
  };

  it.each([
    [['verify', 'radix-nested', '--json']],
    [['verify', 'pfncache', '--variant', 'buggy', '--json']],
    [['verify', 'pfncache', '--variant', 'buggy', '--threads', '2', '--max-ops', '2', '--json']],
    [['verify', 'hpt-resize', '--variant', 'buggy', '--json']],
    [['verify', 'lost-update', '--variant', 'buggy', '--engine', 'stateful', '--threads', '3', '--max-ops', '3', '--shard', '2/3', '--json']],
    // Bounds large enough to be estimated: the workers start before the estimate and search while it runs.
    [['verify', 'hpt-resize', '--variant', 'buggy', '--threads', '3', '--max-ops', '3', '--json']],
    [['verify', 'radix-nested', '--threads', '3', '--max-ops', '3', '--json']],
  ])('%j: the stateful search, by work stealing: the same verdict and counterexample on 1 and on 3 worker threads', (args) => {
    const one = kvmrace('--no-timing', ...args, '--workers', '1');
    const three = kvmrace('--no-timing', ...args, '--workers', '3');
    expect(one.err).toBe('');
    expect([0, 1]).toContain(one.code);
    expect(three.code).toBe(one.code);
    expect(verdictOnly(three.out)).toEqual(verdictOnly(one.out));
  });

  it.each([
    [['verify', 'no-such-model'], /unknown model 'no-such-model'/],
    [['verify', 'lost-update', '--workers', '0'], /--workers must be between 1 and 256/],
    [['verify', 'lost-update', '--variant', 'nope'], /unknown fix 'nope'/],
    [['verify', 'lost-update', '--preemptions', 'x'], /--preemptions takes a whole number/],
    [['verify', 'lost-update', '--shard', '4/3'], /--shard takes i\/n/],
    [['ablate', 'no-such-model'], /unknown model/],
  ])('bad input %j exits 2 with one line', (args, message) => {
    const r = kvmrace(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('ablate prints a table and finds the lock necessary', () => {
    const r = kvmrace('ablate', 'lost-update', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.rows.map((row: { variant: string; verdict: string }) => [row.variant, row.verdict])).toEqual([
      ['buggy', 'violated'],
      ['upstream', 'holds'],
    ]);
    expect(j.necessary).toEqual(['take-lock']);
    const text = kvmrace('ablate', 'lost-update');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/take-lock\s+verdict/);
    expect(text.out).toMatch(/necessary: take-lock/);
  });

  it('ablate exits 1 when no subset of the fixes holds', () => {
    const r = kvmrace('ablate', '--model', fileURLToPath(new URL('./fixtures/throws-in-thread.ts', import.meta.url)), '--json');
    expect(r.code, r.err).toBe(1);
    expect(JSON.parse(r.out).rows.every((row: { verdict: string }) => row.verdict === 'violated')).toBe(true);
  });
});
