import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { litmusCommand } from '../src/commands/litmus.js';
import { litmusMain } from '../src/litmus-main.js';
import { main } from '../src/main.js';
import type { Io } from '../src/program/io.js';

// `kvmrace litmus` called directly (the lead registers it in main.ts). The tests are written here;
// their expected results are the textbook ones (explanation.txt §4: SB is allowed by TSO and the
// LKMM and forbidden by SC; §20: MP with smp_wmb()/smp_rmb() is forbidden).

function capture(): Io & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), interactive: false };
}

const SB = `C SB+once
(*
 * Result: Sometimes
 * Result-sc: Never
 * Result-tso: Sometimes
 *)
{}
P0(int *x, int *y)
{
	int r0;
	WRITE_ONCE(*x, 1);
	r0 = READ_ONCE(*y);
}
P1(int *x, int *y)
{
	int r0;
	WRITE_ONCE(*y, 1);
	r0 = READ_ONCE(*x);
}
exists (0:r0=0 /\\ 1:r0=0)
`;

const MP_WRONG_CLAIM = `C MP+wmb+rmb
(* Result: Sometimes *)
{}
P0(int *x, int *y)
{
	WRITE_ONCE(*x, 1);
	smp_wmb();
	WRITE_ONCE(*y, 1);
}
P1(int *x, int *y)
{
	int r0;
	int r1;
	r0 = READ_ONCE(*y);
	smp_rmb();
	r1 = READ_ONCE(*x);
}
exists (1:r0=1 /\\ 1:r1=0)
`;

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kvmrace-litmus-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('kvmrace litmus', () => {
  it('prints one test like herd7 and exits 0 when its Result: line holds', async () => {
    const dir = dirWith({ 'SB+once.litmus': SB });
    const io = capture();
    const code = await litmusCommand([join(dir, 'SB+once.litmus')], {}, io);
    const out = io.stdout.join('');
    expect(code).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(out).toContain('Test SB+once Allowed');
    expect(out).toContain('States 4\n0:r0=0; 1:r0=0;\n0:r0=0; 1:r0=1;\n0:r0=1; 1:r0=0;\n0:r0=1; 1:r0=1;\n');
    expect(out).toContain('Positive: 1 Negative: 3');
    expect(out).toContain('Observation SB+once Sometimes 1 3');
    expect(out).toContain('Expected Sometimes: matches');
  });

  it('uses Result-sc: under --memory sc', async () => {
    const dir = dirWith({ 'SB+once.litmus': SB });
    const io = capture();
    const code = await litmusCommand([join(dir, 'SB+once.litmus')], { memory: 'sc' }, io);
    expect(code).toBe(0);
    expect(io.stdout.join('')).toContain('Observation SB+once Never 0 3');
  });

  it('reads a directory in order, prints a summary table and exits 1 when a result differs from its header', async () => {
    const dir = dirWith({ 'SB+once.litmus': SB, 'MP+wmb+rmb.litmus': MP_WRONG_CLAIM, 'notes.txt': 'not a test' });
    const io = capture();
    const code = await litmusCommand([dir], { memory: 'lkmm' }, io);
    const out = io.stdout.join('');
    expect(code).toBe(1);
    expect(out.indexOf('Test MP+wmb+rmb')).toBeLessThan(out.indexOf('Test SB+once'));
    expect(out).toContain('Expected Sometimes: DIFFERS (got Never)');
    expect(out).toMatch(/MP\+wmb\+rmb.*lkmm.*Never.*Sometimes DIFFERS/);
    expect(out).toContain('2 tests, 2 with an expected result, 1 differ');
  });

  it('prints one JSON document with --json', async () => {
    const dir = dirWith({ 'SB+once.litmus': SB, 'MP+wmb+rmb.litmus': MP_WRONG_CLAIM });
    const io = capture();
    const code = await litmusCommand([dir], { memory: 'tso', json: true }, io);
    expect(code).toBe(0);
    const doc = JSON.parse(io.stdout.join('')) as { version: number; memory: string; tests: Array<Record<string, unknown>> };
    expect(doc.version).toBe(1);
    expect(doc.memory).toBe('tso');
    const [mp, sb] = doc.tests;
    expect(mp?.['file']).toBe(join(dir, 'MP+wmb+rmb.litmus'));
    expect(mp?.['observation']).toBe('Never');
    expect(mp).not.toHaveProperty('expected'); // the header has no Result-tso: line
    expect(sb?.['expected']).toBe('Sometimes');
    expect(sb?.['matches']).toBe(true);
    expect(sb?.['condition']).toBe('exists (0:r0=0 /\\ 1:r0=0)');
  });

  it('says bad input in one line with file:line:col, exit 2, and prints nothing on stdout', async () => {
    const bad = SB.replace('r0 = READ_ONCE(*y);', 'r0 = READ_ONCE(*y)');
    const dir = dirWith({ 'a-good.litmus': SB, 'b-bad.litmus': bad });
    const io = capture();
    const code = await litmusCommand([dir], {}, io);
    expect(code).toBe(2);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([`kvmrace: ${join(dir, 'b-bad.litmus')}:13:1: expected ';' but found '}'\n`.trimEnd()]);
  });

  it('refuses a loop, an unknown primitive, an unknown model and a missing path with exit 2', async () => {
    const loop = SB.replace('r0 = READ_ONCE(*y);', 'while (READ_ONCE(*y) == 0) {}');
    const unknown = SB.replace('READ_ONCE(*y)', 'READ_TWICE(*y)');
    const dir = dirWith({ 'loop.litmus': loop, 'unknown.litmus': unknown, 'SB.litmus': SB });
    const cases: Array<[string[], { memory?: string }, RegExp]> = [
      [[join(dir, 'loop.litmus')], {}, /loop\.litmus:12:2: 'while' is a loop/],
      [[join(dir, 'unknown.litmus')], {}, /unknown\.litmus:12:7: unknown primitive 'READ_TWICE'/],
      [[join(dir, 'SB.litmus')], { memory: 'arm' }, /--memory must be lkmm, sc or tso, not 'arm'/],
      [[join(dir, 'missing.litmus')], {}, /missing\.litmus: no such file or directory/],
    ];
    for (const [paths, opts, message] of cases) {
      const io = capture();
      expect(await litmusCommand(paths, opts, io)).toBe(2);
      expect(io.stdout).toEqual([]);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(new RegExp(`^kvmrace: .*${message.source}`));
    }
  });

  it('agrees with every Result line of the corpus under each model', async () => {
    const corpus = join(dirname(fileURLToPath(import.meta.url)), '../../memory/corpus');
    for (const memory of ['lkmm', 'sc', 'tso']) {
      const io = capture();
      const code = await litmusCommand([corpus], { memory, json: true }, io);
      const doc = JSON.parse(io.stdout.join('')) as { tests: Array<{ matches?: boolean }> };
      expect(doc.tests.length).toBeGreaterThanOrEqual(80);
      expect(doc.tests.every((t) => t.matches === true), memory).toBe(true);
      expect(code).toBe(0);
    }
  });

  it('runs the same from its own program (what `kvmrace litmus` starts) as from the whole CLI', async () => {
    const bad = SB.replace('r0 = READ_ONCE(*y);', 'r0 = READ_ONCE(*y)');
    const dir = dirWith({ 'SB+once.litmus': SB, 'MP+wmb+rmb.litmus': MP_WRONG_CLAIM });
    const badDir = dirWith({ 'b-bad.litmus': bad });
    const runs: string[][] = [['litmus', dir], ['litmus', dir, '--memory', 'sc', '--json'], ['litmus', badDir], ['litmus', '--memory'], ['litmus', '--help']];
    for (const argv of runs) {
      const whole = capture();
      const own = capture();
      const wholeCode = await main(argv, whole);
      expect(await litmusMain(argv, own), argv.join(' ')).toBe(wholeCode);
      expect(own.stdout, argv.join(' ')).toEqual(whole.stdout);
      expect(own.stderr, argv.join(' ')).toEqual(whole.stderr);
    }
  });
});
