import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

// The same command with the same seed prints byte-identical JSON (wall-clock fields left out with
// --no-timing), however often it runs in one process and in separate processes; a token printed by
// one process replays in another.

const bin = fileURLToPath(new URL('../dist/kvmrace.js', import.meta.url));

/** Runs the CLI in this process; returns exit code and stdout. */
async function inProcess(args: readonly string[]): Promise<{ code: number; out: string }> {
  let out = '';
  // Lines as the process prints them (a newline after each write that lacks one).
  const code = await main(args, { out: (t) => (out += t.endsWith('\n') ? t : `${t}\n`), err: () => undefined, interactive: false });
  return { code, out };
}

/** Runs the CLI as its own process. */
function spawned(args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out }));
  });
}

/** Distinct outputs of `n` in-process runs of `args`, with the exit code of the first. */
async function repeatInProcess(args: readonly string[], n: number): Promise<{ code: number; outputs: Set<string> }> {
  const outputs = new Set<string>();
  let code = -1;
  for (let i = 0; i < n; i++) {
    const r = await inProcess(args);
    if (i === 0) code = r.code;
    outputs.add(r.out);
  }
  return { code, outputs };
}

describe('in one process', () => {
  it('1,000 hunts of the same seed print the same JSON', async () => {
    const { code, outputs } = await repeatInProcess(['--no-timing', 'hunt', 'lost-update', '--variant', 'buggy', '--seed', '7', '--json'], 1000);
    expect(code).toBe(1);
    expect(outputs.size).toBe(1);
    expect(JSON.parse([...outputs][0] as string)).toMatchObject({ found: true, counterexample: { threads: 2 } });
  });

  it('1,000 replays of one token print the same JSON', async () => {
    const token = JSON.parse((await inProcess(['hunt', 'lost-update', '--variant', 'buggy', '--seed', '7', '--json'])).out).token as string;
    const { code, outputs } = await repeatInProcess(['replay', token, '--json'], 1000);
    expect(code).toBe(1);
    expect(outputs.size).toBe(1);
  });

  it.each([
    [['hunt', 'pfncache', '--variant', 'buggy', '--seed', '3', '--json'], 1, 30],
    [['hunt', 'hpt-resize', '--variant', 'buggy', '--strategy', 'pct', '--seed', '5', '--json'], 1, 30],
    [['verify', 'radix-nested', '--json'], 0, 10],
    [['verify', 'pfncache', '--variant', 'buggy', '--minimal', '--json'], 1, 3],
    [['ablate', 'memslot-gen', '--preemptions', '1', '--json'], 0, 5],
  ])('%j: every run prints the same JSON, also after other commands ran', async (args, exit, n) => {
    const { code, outputs } = await repeatInProcess(['--no-timing', ...args], n);
    expect(code).toBe(exit);
    expect(outputs.size).toBe(1);
  });

  it('--no-timing drops exactly the wall-clock fields', async () => {
    const timed = JSON.parse((await inProcess(['verify', 'lost-update', '--json'])).out);
    const untimed = JSON.parse((await inProcess(['--no-timing', 'verify', 'lost-update', '--json'])).out);
    expect(typeof timed.ms).toBe('number');
    const { ms: _ms, ...rest } = timed;
    expect(untimed).toEqual(rest);
  });
});

describe('across processes', () => {
  const commands: [string[], number][] = [
    [['hunt', 'pfncache', '--variant', 'buggy', '--seed', '3', '--json'], 1],
    [['hunt', 'change-pte', '--variant', 'buggy', '--strategy', 'random', '--seed', '2', '--json'], 1],
    [['verify', 'memslot-gen', '--json'], 0],
    [['ablate', 'memslot-gen', '--preemptions', '1', '--json'], 0],
  ];

  it.each(commands)('%j prints the same bytes in three processes and in this one', async (args, exit) => {
    const full = ['--no-timing', ...args];
    const runs = await Promise.all([spawned(full), spawned(full), spawned(full)]);
    const here = await inProcess(full);
    for (const r of runs) {
      expect(r.code).toBe(exit);
      expect(r.out).toBe(here.out);
    }
  });

  it('the report JSON file is byte-identical across processes', async () => {
    const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'kvmrace-det-')));
    const runs = await Promise.all(dirs.map((d) => spawned(['--no-timing', 'report', '--only', 'lost-update,memslot-gen', '--no-ablation', '--out', d])));
    for (const r of runs) expect(r.code).toBe(0);
    const [a, b] = dirs.map((d) => readFileSync(join(d, 'kvmrace-report.json'), 'utf8'));
    expect(a).toBe(b);
    expect(a).not.toMatch(/"ms/);
  });

  it('a token printed by one process replays the same trace in another', async () => {
    const found = await spawned(['hunt', 'pfncache', '--variant', 'buggy', '--seed', '11', '--json']);
    const hunt = JSON.parse(found.out);
    const replay = await spawned(['replay', hunt.token, '--json']);
    expect(replay.code).toBe(1);
    const again = JSON.parse(replay.out);
    expect(again.trace).toEqual(hunt.counterexample.trace);
    expect(again.outcome).toMatchObject(hunt.counterexample.outcome);
  });
});
