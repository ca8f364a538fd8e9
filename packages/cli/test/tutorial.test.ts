import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seqcountReader } from './tutorial/seqcount-reader.js';
import { findMinimalRace } from '@kvmrace/properties';

// docs/writing-a-model.md: every code block is checked here. Blocks marked `<!-- snippet: name -->`
// are extracted; the TypeScript ones must be, put together, exactly the files under test/tutorial/
// (which vitest also runs: tutorial/seqcount-reader.test.ts is the tutorial's own test); the shell
// ones are run and their output compared. The only block left unchecked is the kernel C.

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const doc = readFileSync(resolve(repo, 'docs/writing-a-model.md'), 'utf8');
const bin = resolve(repo, 'packages/cli/dist/kvmrace.js');
const modelPath = 'packages/cli/test/tutorial/seqcount-reader.ts';

interface Snippet {
  readonly lang: string;
  readonly body: string;
}

const snippets = new Map<string, Snippet>();
for (const m of doc.matchAll(/^<!-- snippet: ([\w-]+) -->\n```(\w+)\n([\s\S]*?)\n```$/gm)) {
  expect(snippets.has(m[1]!), `duplicate snippet ${m[1]}`).toBe(false);
  snippets.set(m[1]!, { lang: m[2]!, body: m[3]! });
}

function snippet(name: string): string {
  const s = snippets.get(name);
  if (s === undefined) throw new Error(`docs/writing-a-model.md has no snippet '${name}'`);
  return s.body;
}

function kvmrace(args: readonly string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout.replace(/\n+$/, ''), stderr: r.stderr };
}

/** `$ kvmrace a b c` on the first line, the expected output after it. */
function command(name: string): { args: string[]; output: string } {
  const [first, ...rest] = snippet(name).split('\n');
  expect(first).toMatch(/^\$ kvmrace /);
  return { args: first!.slice('$ kvmrace '.length).split(' '), output: rest.join('\n') };
}

/** Timings and run counts vary between machines and runs. */
const normalise = (s: string) => s.replace(/\d+ ms/g, 'N ms').replace(/after \d+ runs/g, 'after N runs');

describe('docs/writing-a-model.md', () => {
  it('marks every code block: a snippet, or the one unchecked C block', () => {
    const fences = [...doc.matchAll(/^```(\w+)$/gm)];
    const marked = [...doc.matchAll(/^<!-- (snippet: [\w-]+|unchecked: [^>]*) -->\n```(\w+)$/gm)];
    expect(marked.length).toBe(fences.length);
    const unchecked = marked.filter((m) => m[1]!.startsWith('unchecked'));
    expect(unchecked.map((m) => m[2])).toEqual(['c']);
    expect([...snippets.keys()]).toEqual(['state', 'writer', 'reader', 'invariant', 'model', 'hunt', 'replay', 'verify', 'test']);
  });

  it('the model snippets, in order, are test/tutorial/seqcount-reader.ts', () => {
    const parts = ['state', 'writer', 'reader', 'invariant', 'model'].map(snippet);
    expect(`${parts.join('\n\n')}\n`).toBe(readFileSync(resolve(here, 'tutorial/seqcount-reader.ts'), 'utf8'));
    for (const name of ['state', 'writer', 'reader', 'invariant', 'model']) expect(snippets.get(name)!.lang).toBe('ts');
  });

  it('the writer and reader are verbatim the ones in @kvmrace/examples', () => {
    const example = readFileSync(resolve(repo, 'packages/examples/src/seqcount-reader.ts'), 'utf8');
    expect(example).toContain(snippet('writer'));
    expect(example).toContain(snippet('reader'));
  });

  it('the test snippet is test/tutorial/seqcount-reader.test.ts (which vitest runs)', () => {
    expect(`${snippet('test')}\n`).toBe(readFileSync(resolve(here, 'tutorial/seqcount-reader.test.ts'), 'utf8'));
  });

  it('the tutorial model races as the page says: 2 threads, 1 preemption, no-torn-read', () => {
    const r = findMinimalRace(seqcountReader, { variant: 'buggy', seed: 1 });
    expect(r.found).toBe(true);
    expect(r.counterexample).toMatchObject({ threads: 2, operations: 2, preemptions: 1, steps: 7, outcome: { kind: 'violation', invariant: 'no-torn-read' } });
    expect(r.counterexample?.token).toBe(command('replay').args[1]);
  });

  it('`kvmrace hunt --model --variant buggy` prints the race table and token shown, exit 1', () => {
    const { args, output } = command('hunt');
    expect(args).toEqual(['hunt', '--model', modelPath, '--variant', 'buggy']);
    const r = kvmrace(args);
    expect(r.stderr).toBe('');
    expect(normalise(r.stdout)).toBe(normalise(output));
    expect(r.status).toBe(1);
  });

  it('`kvmrace hunt --model --json` finds the same race, exit 1', () => {
    const r = kvmrace([...command('hunt').args, '--json']);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as { found: boolean; counterexample: Record<string, unknown> };
    expect(json.found).toBe(true);
    expect(json.counterexample).toMatchObject({ threads: 2, preemptions: 1, outcome: { invariant: 'no-torn-read' } });
  });

  it('`kvmrace replay <token> --model` replays the race table shown by hunt, exit 1', () => {
    const { args } = command('replay');
    expect(args).toEqual(['replay', expect.stringMatching(/^kr1\./), '--model', modelPath]);
    expect(command('hunt').output).toContain(`replay: kvmrace replay ${args[1]}`);
    const r = kvmrace(args);
    expect(r.status).toBe(1);
    const table = command('hunt').output.split('\n').filter((l) => /^(#|\d+ ) /.test(l));
    expect(table.length).toBe(8);
    for (const line of table) expect(r.stdout).toContain(line);
  });

  it('`kvmrace verify --model` (upstream) prints what is shown, exit 0', () => {
    const { args, output } = command('verify');
    expect(args).toEqual(['verify', '--model', modelPath]);
    const r = kvmrace(args);
    expect(normalise(r.stdout)).toBe(normalise(output));
    expect(r.status).toBe(0);
  });
});
