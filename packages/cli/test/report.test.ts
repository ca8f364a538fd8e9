import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/kvmrace.js', import.meta.url));
const userModel = fileURLToPath(new URL('../../examples/src/seqcount-reader.ts', import.meta.url));

function kvmrace(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('kvmrace report', () => {
  it('writes a self-contained HTML report and JSON with the race, the verdict and the ablation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvmrace-report-'));
    const r = kvmrace('report', '--only', 'lost-update,seqcount-reader', '--out', dir);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, 'kvmrace-report.json'), 'utf8'));
    expect(json.ok).toBe(true);
    expect(json.models.map((m: { name: string }) => m.name)).toEqual(['lost-update', 'seqcount-reader']);
    const lost = json.models[0];
    expect(lost.race).toMatchObject({ threads: 2, operations: 2, preemptions: 1 });
    expect(lost.verify.verdict).toBe('holds');
    expect(lost.ablation.necessary).toEqual(['take-lock']);
    const html = readFileSync(join(dir, 'kvmrace-report.html'), 'utf8');
    // Two models' buggy races (two lanes each), and the seqcount's four barrier races under the LKMM.
    expect(html.match(/class="lane"/g)?.length).toBe(12);
    expect(html.match(/<div class="swimlane" data-barrier="/g)?.length).toBe(4);
    expect(html).toContain('class="step breaking"');
    // The LKMM checks: only the model with barrier toggles has them (lost-update has none).
    expect(lost.memory).toBeUndefined();
    const seq = json.models[1];
    expect(seq.memory.upstream.verdict).toBe('holds');
    expect(seq.memory.barriers.map((b: { barrier: string; lkmm: string; tso: string }) => [b.barrier, b.lkmm, b.tso])).toEqual([
      ['read_seqcount_begin:smp_rmb', 'needed', 'not needed'],
      ['read_seqcount_retry:smp_rmb', 'needed', 'not needed'],
      ['write_seqcount_begin:smp_wmb', 'needed', 'not needed'],
      ['write_seqcount_end:smp_wmb', 'needed', 'not needed'],
    ]);
    expect(r.out).toMatch(/under lkmm: upstream holds/);
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('has one row per variant: buggy races, upstream holds, the pfncache proposal races as a finding with its table and token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvmrace-report-'));
    const r = kvmrace('report', '--only', 'pfncache', '--no-ablation', '--out', dir);
    expect(r.code, r.err).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'kvmrace-report.json'), 'utf8')).models[0];
    expect(m.variants.map((v: { variant: string; role: string; expected: string; result: string; asExpected: boolean }) => [v.variant, v.role, v.expected, v.result, v.asExpected])).toEqual([
      ['buggy', 'buggy', 'race', 'race found', true],
      ['upstream', 'upstream', 'holds', 'holds', true],
      ['rework', 'proposal', 'either', 'races', true],
      ['upstream under lkmm', 'upstream-lkmm', 'holds', 'holds', true],
    ]);
    // The report's LKMM phase takes the two-thread scenarios (pfncache's one three-thread scenario takes minutes).
    expect(m.variants[3].covered).toMatch(/the catalogue's 5 two-thread scenarios of 7, every interleaving with every reads-from and coherence choice .*memory model lkmm$/);
    // Those with an invalidation show the mmu-notifier pair as needed.
    expect(m.memory.barriers.filter((b: { lkmm: string }) => b.lkmm === 'needed').map((b: { barrier: string }) => b.barrier)).toEqual(['mmu_notifier_retry_cache:smp_rmb', 'kvm_mmu_invalidate_end:smp_wmb']);
    for (const v of m.variants.slice(1, 3)) expect(v.covered).toMatch(/^7 scenarios, [1-9]\d* executions, every interleaving, memory model sc$/);
    expect(m.holes).toBeUndefined();
    const [rework] = m.proposals;
    expect(rework).toMatchObject({ name: 'rework', fixes: ['rework-refresh'], verdict: 'races', source: expect.stringContaining('20240115125707.1183-21-paul@xen.org') });
    expect(rework.counterexample).toMatchObject({ threads: 2, operations: 2, outcome: { kind: 'violation', invariant: 'I_E2' } });
    expect(rework.counterexample.token).toMatch(/^kr1\./);
    expect(r.out).toMatch(/^ {2}proposal rework \(<20240115125707\.1183-21-paul@xen\.org>.*\): races/m);
    expect(r.out).toMatch(/^ {4}rework +expected either +races/m);
    expect(r.out).not.toMatch(/known hole/);
    const html = readFileSync(join(dir, 'kvmrace-report.html'), 'utf8');
    expect(html).toContain('<h3 class="proposal" data-proposal="rework">Proposal rework: <span class="finding">races</span></h3>');
    expect(html.match(/<tr data-variant="/g)?.length).toBe(4);
    const replay = kvmrace('replay', rework.counterexample.token, '--json');
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.out).outcome.invariant).toBe('I_E2');
  });

  it('a report into a folder that cannot be made is one line and exit 2, with nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvmrace-report-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const r = kvmrace('report', '--only', 'lost-update', '--no-ablation', '--out', join(file, 'sub'));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n').filter((l) => l.startsWith('kvmrace:'))).toHaveLength(1);
    expect(existsSync(join(file, 'sub'))).toBe(false);
  });
});

describe('users\u2019 own models (--model)', () => {
  it('hunts a TypeScript model file directly and the token replays with it', () => {
    const r = kvmrace('hunt', '--model', userModel, '--variant', 'buggy', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.model).toBe('seqcount-reader');
    expect(j.counterexample).toMatchObject({ threads: 2, preemptions: 1 });
    const again = kvmrace('replay', j.token, '--model', userModel, '--json');
    expect(again.code).toBe(1);
  });

  it.each([
    [['hunt', '--model', '/nonexistent/model.ts'], /model file not found/],
    [['hunt', '--model', fileURLToPath(new URL('../package.json', import.meta.url))], /exports no model/],
  ])('%j is one clear line and exit 2', (args, message) => {
    const r = kvmrace(...(args as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message as RegExp);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('a model file that throws while loading is one clear line and exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kvmrace-model-'));
    const file = join(dir, 'broken.ts');
    writeFileSync(file, "throw new Error('boom at load');\nexport const x = 1;\n");
    const r = kvmrace('verify', '--model', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/failed to load: boom at load/);
  });
});
