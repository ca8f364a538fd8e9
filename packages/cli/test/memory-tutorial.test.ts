import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// docs/memory-ordering.md: every code block is checked here. The TypeScript block must be exactly
// test/tutorial/message-passing.ts; each shell block is run and its output compared, except for
// the figures of verdict lines (times, execution counts: the search's reductions may change them),
// the size of each barrier's race in the ablation table, and replay tokens. A block named `*-head` shows the start of the output only.

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const doc = readFileSync(resolve(repo, 'docs/memory-ordering.md'), 'utf8');
const bin = resolve(repo, 'packages/cli/dist/kvmrace.js');

const snippets = new Map<string, { lang: string; body: string }>();
for (const m of doc.matchAll(/^<!-- snippet: ([\w-]+) -->\n```(\w+)\n([\s\S]*?)\n```$/gm)) snippets.set(m[1]!, { lang: m[2]!, body: m[3]! });

/** Figures of verdict lines and tokens vary with the search's reductions and the machine. */
function normalise(text: string): string {
  return text
    .split('\n')
    .map((line) => (/^(holds|violated|barrier ablation|with every barrier)/.test(line) ? line.replace(/\d[\d.,]*/g, 'N') : line))
    // The size of each barrier's race depends on which smallest race the search meets first.
    // (and with it the table's column widths).
    .map((line) => (/^\S+:smp_\w+ .* needed/.test(line) ? line.replace(/\d+ steps?, \d+ weak edges?\s*$/, 'its race') : line))
    .map((line) => (/^(barrier  |-{4,}|\S+:smp_\w+ )/.test(line) ? line.replace(/ {2,}/g, '  ').replace(/-{2,}/g, '--').trimEnd() : line))
    .join('\n')
    .replace(/kr1\.\S+/g, 'TOKEN');
}

describe('docs/memory-ordering.md', () => {
  it('marks every code block as a snippet', () => {
    expect([...doc.matchAll(/^```\w+$/gm)].length).toBe(snippets.size);
    expect([...snippets.keys()]).toEqual(['sc', 'lkmm-without', 'lkmm-holds', 'ablate-head', 'mp-model', 'mp-without', 'mp-tso']);
  });

  it('the model of its own is the tested file', () => {
    expect(snippets.get('mp-model')?.body).toBe(readFileSync(resolve(here, 'tutorial/message-passing.ts'), 'utf8').trimEnd());
  });

  for (const [name, { lang, body }] of snippets) {
    if (lang !== 'sh') continue;
    it(`'${name}' prints what the page shows`, () => {
      const [first, ...rest] = body.split('\n');
      expect(first).toMatch(/^\$ kvmrace /);
      const args = first!.slice('$ kvmrace '.length).split(' ');
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
      const out = normalise(r.stdout.replace(/\n+$/, ''));
      const expected = normalise(rest.join('\n'));
      if (name.endsWith('-head')) expect(out.startsWith(expected), out).toBe(true);
      else expect(out).toBe(expected);
      expect(r.status).toBe(/^violated/.test(rest[0] ?? '') ? 1 : 0);
    }, 120_000);
  }
});
