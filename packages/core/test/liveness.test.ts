import { describe, expect, it } from 'vitest';
import { defineModel, livenessSearch, loopHead, type Counter, type Lock, type Thread, type Var } from '../src/index.js';

interface State {
  seq: Counter;
  lock: Lock;
  names: Var<string>;
}

/** A reader that retries while a writer bumped `seq` between its two reads (`fix`: it reads once). */
function* retry(s: State, t: Thread<'no-retry'>) {
  for (;;) {
    loopHead(t, 'retry');
    const a = yield* s.seq.read('a = seq');
    if (t.fixed('no-retry')) return;
    yield* t.step('work', {});
    const b = yield* s.seq.read('b = seq');
    if (a === b) return;
  }
}

const model = defineModel({
  name: 'spin-retry',
  title: 'a retry loop against a writer that never stops',
  summary: 'test model',
  fixes: { 'no-retry': { commit: '000000000000', summary: 'read once' } },
  operations: {
    retry: { summary: 'read seq until it is stable', kernel: 'retry()', run: retry },
    bump: { summary: 'seq++', kernel: 'bump()', run: function* (s: State) { yield* s.seq.increment(); } },
    take: { summary: 'lock, unlock', kernel: 'take()', run: function* (s: State) { yield* s.lock.lock(); yield* s.lock.unlock(); } },
    rename: { summary: 'a name never used before', kernel: 'rename()', run: function* (s: State) { yield* s.names.update((n) => `${n}x`); } },
  },
  setup: (w) => ({ seq: w.counter('seq'), lock: w.spinlock('lock'), names: w.var('names', '') }),
  invariants: [],
  scenarios: { maxThreads: 2, maxOpsPerThread: 1, maxOps: 2, catalogue: [{ name: 'retry-vs-bump', threads: [['retry'], ['bump']] as string[][] }] },
});

const buggy = new Set<string>();
const fixed = new Set(['no-retry']);

describe('livenessSearch', () => {
  it('finds the lasso of a retry loop against an endless writer, confirmed round its cycle', () => {
    const r = livenessSearch(model, buggy, [['retry'], ['bump']], { endless: [1] });
    expect(r.verdict).toBe('livelock');
    const lasso = r.lasso!;
    expect(lasso.starving).toEqual([0]);
    // The cycle schedules both threads (a fair run) and the reader retries in it.
    expect(new Set(lasso.cycle)).toEqual(new Set([0, 1]));
    expect(lasso.trace.map((e) => e.label)).toContain('b = seq');
    expect(lasso.trace).toHaveLength(lasso.stem.length + lasso.cycle.length);
    expect(r.spurious).toBe(0);
  });

  it('holds when the reader does not retry, though the writer never ends', () => {
    const r = livenessSearch(model, fixed, [['retry'], ['bump']], { endless: [1] });
    expect(r.verdict).toBe('holds');
    expect(r.lasso).toBeUndefined();
    expect(r.states).toBeGreaterThan(1);
  });

  it('without endless threads every run ends: holds', () => {
    expect(livenessSearch(model, buggy, [['retry'], ['bump']]).verdict).toBe('holds');
  });

  it('a thread waiting for a lock another retakes for ever starves under weak fairness only', () => {
    const weak = livenessSearch(model, buggy, [['take'], ['take']], { endless: [1], fairness: 'weak' });
    expect(weak.verdict).toBe('livelock');
    expect(weak.lasso!.starving).toEqual([0]);
    expect(weak.lasso!.cycle.every((t) => t === 1)).toBe(true);
    expect(livenessSearch(model, buggy, [['take'], ['take']], { endless: [1] }).verdict).toBe('holds');
  });

  it('a state space that only grows is not decided: bound-reached, never livelock', () => {
    const r = livenessSearch(model, buggy, [['retry'], ['rename']], { endless: [1], maxStates: 50 });
    expect(r.verdict).toBe('bound-reached');
    expect(r.states).toBe(50);
  });

  it('refuses an endless thread the scenario does not have', () => {
    expect(() => livenessSearch(model, buggy, [['retry']], { endless: [1] })).toThrow(/not a thread of the scenario/);
  });
});

describe('renderLassoTable', () => {
  it('shows the stem, then the cycle once under "repeats for ever", loops folded as ×N', async () => {
    const { renderLassoTable, foldRepeats } = await import('../src/index.js');
    const r = livenessSearch(model, buggy, [['retry'], ['bump']], { endless: [1] });
    const text = renderLassoTable('spin-retry', 'buggy', r.lasso!);
    const lines = text.split('\n');
    const rule = lines.findIndex((l) => l.includes('the cycle: from here it repeats for ever'));
    expect(rule).toBeGreaterThan(3);
    expect(text).toMatch(/\n=> livelock: CPU0 never completes its operation/);
    expect(text).toContain('CPU1: bump (for ever)');
    // Four bumps in a row (the counter wraps at 4) fold into one row.
    expect(text).toMatch(/×\d+ \{/);
    expect(lines.length).toBeLessThan(r.lasso!.trace.length + 12);
    const folds = foldRepeats(r.lasso!.trace);
    expect(folds.reduce((n, f) => n + f.body.length * f.times, 0)).toBe(r.lasso!.trace.length);
  });
});

describe('renderLassoSwimlaneSvg', () => {
  it('draws the stem, the cycle once under "repeats for ever", loops folded as ×N', async () => {
    const { renderLassoSwimlaneSvg, foldRepeats } = await import('../src/index.js');
    const r = livenessSearch(model, buggy, [['retry'], ['bump']], { endless: [1] });
    const lasso = r.lasso!;
    const svg = renderLassoSwimlaneSvg('spin-retry', 'buggy', lasso);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/class="cycle-start"/g)).toHaveLength(1);
    expect(svg).toContain('repeats for ever');
    expect(svg).toContain('CPU1: bump (for ever)');
    expect(svg).toContain('=&gt; livelock: CPU0 never completes its operation');
    // A step group per folded step, not per step: the folds' bodies, stem and cycle folded apart.
    const stem = foldRepeats(lasso.trace.slice(0, lasso.stem.length));
    const cycle = foldRepeats(lasso.trace.slice(lasso.stem.length));
    const drawn = [...stem, ...cycle].reduce((n, f) => n + f.body.length, 0);
    expect(svg.match(/<g class="step"/g)).toHaveLength(drawn);
    const repeated = [...stem, ...cycle].filter((f) => f.times > 1);
    expect(repeated.length).toBeGreaterThan(0);
    for (const f of repeated) expect(svg).toContain(`\u00d7${f.times}: `);
    expect(drawn).toBeLessThan(lasso.trace.length);
  });
});
