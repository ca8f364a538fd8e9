import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { expectOneLineRefusal, spawnCli } from './spawn-cli.js';

// `--memory` on verify and replay, `--without-barrier`, the barrier list, and `kvmrace litmus`
// (issue 19). The expected verdicts are the seqcount's documented ones: every barrier of
// include/linux/seqlock.h is needed under the LKMM (each closes a message-passing shape,
// explanation.txt §13), none under x86-TSO (compiler barriers there), and sc cannot see any.

const BARRIERS = ['read_seqcount_begin:smp_rmb', 'read_seqcount_retry:smp_rmb', 'write_seqcount_begin:smp_wmb', 'write_seqcount_end:smp_wmb'];
const corpus = fileURLToPath(new URL('../../memory/corpus', import.meta.url));

const json = (out: string): Record<string, any> => JSON.parse(out) as Record<string, any>;

describe.concurrent('verify --memory', () => {
  it('lkmm: the seqcount reader holds with its barriers, and says what it covered', async () => {
    const r = await spawnCli(['verify', 'seqcount-reader', '--memory', 'lkmm', '--json', '--no-timing']);
    expect(r.code, r.err).toBe(0);
    const j = json(r.out);
    expect(j.verdict).toBe('holds');
    expect(j.bound.memory).toBe('lkmm');
    expect(j.bound.withoutBarriers).toEqual([]);
    expect(j.scenarios).toBe(1);
    expect(j.consistent).toBeGreaterThan(0);
    expect(j.distinct).toBeGreaterThan(1);
  });

  for (const barrier of BARRIERS) {
    it(`lkmm without ${barrier}: a torn pair, shrunk, with its stale read; sc holds on that scenario`, async () => {
      const r = await spawnCli(['verify', 'seqcount-reader', '--memory', 'lkmm', '--without-barrier', barrier, '--json', '--no-timing']);
      expect(r.code, r.err).toBe(1);
      const j = json(r.out);
      expect(j.verdict).toBe('violated');
      expect(j.counterexample.outcome.invariant).toBe('no-torn-read');
      expect(j.counterexample.memory).toBe('lkmm');
      expect(j.counterexample.weakEdges).toBeGreaterThanOrEqual(1);
      expect(j.counterexample.withoutBarriers).toEqual([barrier]);
      expect(j.scVerdict).toBe('holds');
      expect(JSON.stringify(j.counterexample.trace)).toMatch(/not yet seeing|goes before/);
    });
  }

  it('the text names the memory model, the barrier off and the reads-from edge', async () => {
    const r = await spawnCli(['verify', 'seqcount-reader', '--memory', 'lkmm', '--without-barrier', 'read_seqcount_begin:smp_rmb', '--width', '120']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/memory model lkmm \(the Linux-kernel memory model\), without read_seqcount_begin:smp_rmb/);
    expect(r.out).toMatch(/the race needs weak memory/);
    expect(r.out).toMatch(/reads pair->hi = 0 from the initial/);
    expect(r.out).toMatch(/replay: kvmrace replay kr1\./);
  });

  it('tso: holds without any of the four barriers', async () => {
    const r = await spawnCli(['verify', 'seqcount-reader', '--memory', 'tso', '--without-barrier', BARRIERS.join(','), '--json']);
    expect(r.code, r.err).toBe(0);
    expect(json(r.out).bound.memory).toBe('tso');
  });

  it('sc cannot tell the barrier apart: holds with or without it', async () => {
    const a = await spawnCli(['verify', 'seqcount-reader', '--memory', 'sc', '--json']);
    const b = await spawnCli(['verify', 'seqcount-reader', '--memory', 'sc', '--without-barrier', 'read_seqcount_begin:smp_rmb', '--json']);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(json(a.out).executions).toBe(json(b.out).executions);
  });

  it('the buggy reader is still found under lkmm', async () => {
    const r = await spawnCli(['verify', 'seqcount-reader', '--variant', 'buggy', '--memory', 'lkmm', '--json']);
    expect(r.code).toBe(1);
    expect(json(r.out).scVerdict).toBe('violated');
  });
});

describe.concurrent('hunt --memory', () => {
  it('lkmm without write_seqcount_begin:smp_wmb: found, shrunk, reproducible from its seed', async () => {
    const args = ['hunt', 'seqcount-reader', '--memory', 'lkmm', '--without-barrier', 'write_seqcount_begin:smp_wmb', '--runs', '500', '--seed', '7', '--json', '--no-timing'];
    const [a, b] = await Promise.all([spawnCli(args), spawnCli(args)]);
    expect(a.code, a.err).toBe(1);
    expect(a.out).toBe(b.out);
    const j = json(a.out);
    expect(j.found).toBe(true);
    expect(j.memory).toBe('lkmm');
    expect(j.counterexample.outcome.invariant).toBe('no-torn-read');
    expect(j.counterexample.preemptions).toBe(0);
  });
  it('lkmm with every barrier: no race in 200 runs', async () => {
    const r = await spawnCli(['hunt', 'seqcount-reader', '--memory', 'lkmm', '--runs', '200', '--json']);
    expect(r.code, r.err).toBe(0);
    expect(json(r.out).found).toBe(false);
  });
  it('--all with --memory is refused', async () => {
    expectOneLineRefusal(await spawnCli(['hunt', '--all', '--memory', 'lkmm']), /--all is not supported with --memory lkmm yet/);
  });
});

describe.concurrent('replay of a weak-memory token', () => {
  it('re-runs the same reads-from choices: the same race, the memory model named', async () => {
    const v = await spawnCli(['verify', 'seqcount-reader', '--memory', 'lkmm', '--without-barrier', 'write_seqcount_end:smp_wmb', '--json']);
    const token = json(v.out).token as string;
    const r = await spawnCli(['replay', token, '--json']);
    expect(r.code, r.err).toBe(1);
    const j = json(r.out);
    expect(j.outcome.invariant).toBe('no-torn-read');
    expect(j.weak.memory).toBe('lkmm');
    expect(j.schedule).toEqual(json(v.out).counterexample.schedule);
    const text = await spawnCli(['replay', token]);
    expect(text.out).toMatch(/^memory model lkmm .*without write_seqcount_end:smp_wmb, 1 weak edge/);
  });
});

describe.concurrent('bad input', () => {
  it('an unknown barrier', async () => {
    expectOneLineRefusal(await spawnCli(['verify', 'seqcount-reader', '--memory', 'lkmm', '--without-barrier', 'nosuch:smp_mb']), /model 'seqcount-reader' has no barrier 'nosuch:smp_mb' \(it has read_seqcount_begin:smp_rmb/);
  });
  it('an empty barrier name', async () => {
    expectOneLineRefusal(await spawnCli(['verify', 'seqcount-reader', '--without-barrier', 'read_seqcount_begin:smp_rmb,']), /--without-barrier takes barrier names joined by commas/);
  });
  it('a barrier twice', async () => {
    expectOneLineRefusal(await spawnCli(['verify', 'seqcount-reader', '--without-barrier', 'read_seqcount_begin:smp_rmb,read_seqcount_begin:smp_rmb']), /names a barrier twice/);
  });
  it('an unknown memory model', async () => {
    expectOneLineRefusal(await spawnCli(['verify', 'seqcount-reader', '--memory', 'arm']), /--memory.*arm.*sc, tso, lkmm/);
  });
  for (const flags of [['--preemptions', '2'], ['--shard', '1/2'], ['--lock-order'], ['--engine', 'dpor']]) {
    it(`${flags[0]} with --memory lkmm`, async () => {
      expectOneLineRefusal(await spawnCli(['verify', 'seqcount-reader', '--memory', 'lkmm', ...flags]), new RegExp(`${flags[0]} is not supported with --memory lkmm yet`));
    });
  }
});

const herd = fileURLToPath(new URL('../../../../shared/herd/herd7-lkmm', import.meta.url));

describe.concurrent('verify --litmus: the race as a litmus test', () => {
  for (const barrier of BARRIERS) {
    it(`without ${barrier}: allowed under lkmm, forbidden under sc${existsSync(herd) ? ', and herd7 agrees' : ' (herd7 not beside the clone: not run)'}`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'kvmrace-litmus-')), 'race.litmus');
      const v = await spawnCli(['verify', 'seqcount-reader', '--memory', 'lkmm', '--without-barrier', barrier, '--litmus', file]);
      expect(v.code, v.err).toBe(1);
      expect(v.out).toMatch(`litmus test written to ${file}`);
      const text = readFileSync(file, 'utf8');
      expect(text).toMatch(/^C seqcount-reader\+no-/);
      const lkmm = await spawnCli(['litmus', file, '--json']);
      const sc = await spawnCli(['litmus', file, '--memory', 'sc', '--json']);
      expect(JSON.stringify(json(lkmm.out))).toMatch(/"observation":"Sometimes"/);
      expect(JSON.stringify(json(sc.out))).toMatch(/"observation":"Never"/);
      if (existsSync(herd)) expect(execFileSync(herd, [file], { encoding: 'utf8' })).toMatch(/Observation \S+ Sometimes/);
    });
  }
  it('--litmus under sc is refused before any work', async () => {
    expectOneLineRefusal(await spawnCli(['verify', 'seqcount-reader', '--litmus', join(tmpdir(), 'x.litmus')]), /--litmus needs --memory tso or lkmm/);
  });
});

describe.concurrent('list and litmus', () => {
  it('list --json names each model\'s barrier toggles with what they pair with', async () => {
    const r = await spawnCli(['list', '--json']);
    const seq = (json(`{"m":${r.out}}`).m as Array<Record<string, any>>).find((m) => m.name === 'seqcount-reader');
    expect(seq?.barriers.map((b: { name: string }) => b.name)).toEqual(BARRIERS);
    expect(seq?.barriers[0].pairsWith).toEqual(['write_seqcount_end:smp_wmb']);
  });
  it('kvmrace litmus is a command: the corpus agrees with every Result: line', async () => {
    const r = await spawnCli(['litmus', corpus], { timeoutMs: 60_000 });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/137 tests, 137 with an expected result, 0 differ/);
  });
  it('--help lists litmus', async () => {
    const r = await spawnCli(['--help']);
    expect(r.out).toMatch(/litmus \[options\] <paths\.\.\.>/);
  });
});
