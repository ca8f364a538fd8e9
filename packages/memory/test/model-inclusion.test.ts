import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { forEachCandidate, MEMORY_MODELS, parseLitmus, Tag } from '../src/index.js';
import { generateLitmus } from '../scripts/gen-litmus.mjs';

// The weak-memory engine (core's WeakMemory.judge) accepts a graph that sequential consistency
// allows without asking x86-TSO or the LKMM: both are weaker than SC. Every relation their axioms
// ask to be acyclic lies inside (po ∪ com)+ (explanation.txt §4, §16–§21), and SC's grace periods
// (the fundamental law of RCU, grace-periods.ts) imply the LKMM's RCU axiom (§22; ASPLOS 2018 §4
// proves the axiom equivalent to that law). This pins the inclusion on every candidate execution
// of the corpus and of 600 generated tests, with and without grace periods, and that it is strict
// (each weaker model allows executions SC forbids).

const corpusDir = join(dirname(fileURLToPath(import.meta.url)), '../corpus');
const sources = [
  ...readdirSync(corpusDir).filter((f) => f.endsWith('.litmus')).map((f) => readFileSync(join(corpusDir, f), 'utf8')),
  ...Array.from({ length: 600 }, (_, i) => generateLitmus(7, i).text),
];

describe('sc ⊆ tso, sc ⊆ lkmm', () => {
  it('every graph sc allows, tso and lkmm allow too', () => {
    let checked = 0;
    let withGracePeriods = 0;
    const weakerOnly = { tso: 0, lkmm: 0 };
    const broken: string[] = [];
    for (const text of sources) {
      const test = parseLitmus(text);
      forEachCandidate(test, ({ graph }) => {
        if (!graph.skeleton.tagged(Tag.SYNC_RCU | Tag.SYNC_SRCU).isEmpty()) withGracePeriods++;
        const sc = MEMORY_MODELS.sc.check(graph).consistent;
        const tso = MEMORY_MODELS.tso.check(graph).consistent;
        const lkmm = MEMORY_MODELS.lkmm.check(graph).consistent;
        checked++;
        if (sc && !(tso && lkmm)) broken.push(`${test.name}: sc allows, ${tso ? 'lkmm' : 'tso'} forbids`);
        if (!sc && tso) weakerOnly.tso++;
        if (!sc && lkmm) weakerOnly.lkmm++;
      });
    }
    expect(broken).toEqual([]);
    expect(checked).toBeGreaterThan(10_000);
    expect(withGracePeriods).toBeGreaterThan(200);
    expect(weakerOnly.tso).toBeGreaterThan(0);
    expect(weakerOnly.lkmm).toBeGreaterThan(weakerOnly.tso);
  }, 120_000);
});
