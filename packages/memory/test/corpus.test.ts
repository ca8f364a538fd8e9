import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLitmus, parseLitmus, type MemoryModelName } from '../src/index.js';
import { canonicalStates, findHerd, parseHerdOutput, type HerdTest } from '../scripts/herd-output.mjs';

// Issue 19, item 5: every test of the corpus gives, under each memory model, the result its header
// states (LKMM from the kernel's documentation, SC, x86-TSO), and, where herd7 is beside the clone,
// the same set of final states as herd7 with the LKMM.

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '../corpus');
const files = readdirSync(corpusDir).filter((f) => f.endsWith('.litmus')).sort();

type Observation = 'Never' | 'Sometimes' | 'Always';
interface Expected {
  readonly name: string;
  readonly lkmm: Observation;
  readonly sc: Observation;
  readonly tso: Observation;
  readonly dataRace: boolean;
  readonly reasons: number;
}

/** The header comment's `Result:`, `Result-sc:`, `Result-tso:`, `Flag:` and `Reason*:` lines. */
function expectedOf(text: string): Expected {
  const line = (key: string): Observation => {
    const m = new RegExp(`^ \\* ${key}: (Never|Sometimes|Always)\\s*$`, 'm').exec(text);
    if (!m) throw new Error(`no "${key}:" line`);
    return m[1] as Observation;
  };
  return {
    name: /^C\s+(\S+)/.exec(text)?.[1] ?? '',
    lkmm: line('Result'),
    sc: line('Result-sc'),
    tso: line('Result-tso'),
    dataRace: /^ \* Flag: data-race\s*$/m.test(text),
    reasons: [...text.matchAll(/^ \* Reason(-sc|-tso)?: \S/gm)].length,
  };
}

const corpus = files.map((file) => {
  const text = readFileSync(join(corpusDir, file), 'utf8');
  return { file, text, expected: expectedOf(text) };
});

describe('the corpus', () => {
  it('has at least 80 tests, each named as its file, with a reason for each of its three results', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(80);
    for (const { file, expected } of corpus) {
      expect(`${expected.name}.litmus`).toBe(file);
      expect(expected.reasons, file).toBe(3);
    }
  });

  it('covers the classic shapes', () => {
    const shapes = new Set(corpus.map(({ text }) => /^ \* Shape: (.*)$/m.exec(text)?.[1]));
    for (const shape of ['SB', 'MP', 'LB', 'WRC', 'IRIW', 'ISA2', 'R', 'S', '2+2W', 'Z6.0', 'CoRR', 'CoRW', 'CoWR', 'CoWW', 'RCU-MP', 'RCU-deferred-free', 'RCU-GP-vs-CS']) {
      expect(shapes.has(shape), shape).toBe(true);
    }
  });

  it('has tests whose results differ between the three models, as documented', () => {
    const differ = (a: keyof Expected, b: keyof Expected) => corpus.filter(({ expected }) => expected[a] !== expected[b]).length;
    expect(differ('lkmm', 'sc')).toBeGreaterThan(0);
    expect(differ('lkmm', 'tso')).toBeGreaterThan(0);
    expect(differ('sc', 'tso')).toBeGreaterThan(0);
    expect(corpus.filter(({ expected }) => expected.dataRace).length).toBeGreaterThan(0);
  });
});

const memories: readonly MemoryModelName[] = ['lkmm', 'sc', 'tso'];

describe.each(memories)('every corpus test under %s', (memory) => {
  it.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, { file, text, expected }) => {
    const result = checkLitmus(parseLitmus(text, file), { memory });
    expect(result.name).toBe(expected.name);
    expect(result.memory).toBe(memory);
    expect(result.observation).toBe(expected[memory]);
    if (memory === 'lkmm') expect(result.flags.includes('data-race')).toBe(expected.dataRace);
  });
});

const herd = findHerd();

describe('the corpus against herd7 with the LKMM', () => {
  if (!herd) {
    it('is not run: herd7 is missing', () => {
      console.log('corpus.test: herd7 not found (../shared/herd/herd7-lkmm or $HERD7_LKMM): the comparison with herd7 was not run');
      expect(herd).toBeNull();
    });
    return;
  }
  let herdResults = new Map<string, HerdTest>();
  beforeAll(() => {
    // One herd7 process for the whole corpus: far faster than one per test.
    const stdout = execFileSync(herd, corpus.map(({ file }) => join(corpusDir, file)), { encoding: 'utf8', maxBuffer: 1 << 28 });
    herdResults = parseHerdOutput(stdout);
  });

  it.each(corpus.map((c) => [c.file, c] as const))('%s: the header and kvmrace agree with herd7', (_file, { file, text, expected }) => {
    const theirs = herdResults.get(expected.name);
    expect(theirs, `herd7 printed no result for ${file}`).toBeDefined();
    if (!theirs) return;
    expect(theirs.observation).toBe(expected.lkmm);
    expect(theirs.flags.includes('data-race')).toBe(expected.dataRace);
    const ours = checkLitmus(parseLitmus(text, file), { memory: 'lkmm' });
    expect(canonicalStates(ours.states)).toEqual(theirs.states);
  });
});
