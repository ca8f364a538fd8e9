import { renderRaceTable, type Counterexample } from '@kvmrace/core';
import { findMinimalRace } from '@kvmrace/properties';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinModels as allModels, safetyModels } from '../src/registry.js';

// A liveness model (pfncache-retry) has no race to table.
const builtinModels = safetyModels(allModels);

// Issue 23: the race table is what a kernel developer pastes into a commit message. Every line
// fits the width asked for, and nothing of any step is cut: each step's label and values are all
// there, in order, once the table's whitespace is taken out.

const bin = fileURLToPath(new URL('../dist/kvmrace.js', import.meta.url));
const races = new Map<string, Counterexample>();
for (const model of builtinModels) {
  const r = findMinimalRace(model, { variant: 'buggy', seed: 1, numRuns: 2000 });
  if (r.counterexample) races.set(model.name, r.counterexample);
}
const squeeze = (s: string) => s.replace(/\s+/g, '');

describe.each([72, 100, 160])('at %i columns', (width) => {
  it.each(builtinModels.map((m) => m.name))('%s: every line fits, and no step loses a character', (name) => {
    const cx = races.get(name);
    expect(cx, `the hunt found ${name}'s race`).toBeDefined();
    for (const format of ['table', 'commit'] as const) {
      const text = renderRaceTable(name, 'buggy', cx!, { width, format });
      const long = text.split('\n').filter((l) => l.length > width);
      expect(long, `${format}: lines over ${width}`).toEqual([]);
      expect(text.split('\n').filter((l) => l !== l.trimEnd()), 'trailing spaces').toEqual([]);
      const all = squeeze(text);
      let from = 0;
      for (const step of cx!.trace) {
        const at = all.indexOf(squeeze(step.label), from);
        expect(at, `${format}: step ${step.index + 1} '${step.label}' whole and in order`).toBeGreaterThanOrEqual(0);
        from = at;
      }
      expect(all).toContain(squeeze(cx!.outcome.message));
    }
  });
});

describe('the CLI', () => {
  it('hunt --width 72 prints a table within 72 columns; --format commit has CPU 0 / CPU 1 headers', () => {
    const r = spawnSync(process.execPath, [bin, 'hunt', 'pfncache', '--variant', 'buggy', '--width', '72', '--format', 'commit'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(1);
    const table = r.stdout.split('\n').filter((l) => !l.startsWith('replay: '));
    expect(table.filter((l) => l.length > 72)).toEqual([]);
    expect(r.stdout).toMatch(/^CPU 0 {2,}CPU 1$/m);
    expect(r.stdout).toMatch(/^__kvm_gpc_refresh\(\)$/m);
  });

  it('without --width, a pipe gets 100 columns', () => {
    const r = spawnSync(process.execPath, [bin, 'hunt', 'hpt-resize', '--variant', 'buggy'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n').filter((l) => !l.startsWith('replay: '));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(72);
  });

  it.each([['30'], ['x'], ['5000']])('--width %s is refused', (w) => {
    const r = spawnSync(process.execPath, [bin, 'hunt', 'lost-update', '--width', w], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^kvmrace: --width /);
  });
});
