import { execute, Replay, Run, type Outcome } from '@kvmrace/core';
import { describe, expect, it } from 'vitest';
import { pfncache, type PfncacheState } from '../src/index.js';
import { MINIMAL_SCENARIO as scenario, MINIMAL_SCRIPT as script, scriptHolds } from './fixed-checks.js';
import { FollowScript } from './follow-script.js';

// PROTOCOLS.md E, "Minimal BUGGY interleaving": R runs R1..R5 (up to and including the unlocked
// read of gpc->pfn that decides to reuse K), D runs all of D1..D3, then R runs R6..R8.
// The scenario and the script are in fixed-checks.ts (MINIMAL_SCENARIO, MINIMAL_SCRIPT).

function runScript(fixes: readonly string[]): { outcome: Outcome; state: PfncacheState } {
  const run = new Run(pfncache, new Set(fixes), scenario);
  for (const tid of script) {
    if (run.outcome) break;
    run.step(tid);
  }
  expect(run.outcome, 'the script ends the run').not.toBeNull();
  return { outcome: run.outcome as Outcome, state: run.state as PfncacheState };
}

describe('the minimal interleaving of PROTOCOLS.md E', () => {
  it('breaks I_E1 on the buggy variant, with I_E2 broken too (valid, inactive, khva K unmapped)', () => {
    const { outcome, state } = runScript([]);
    expect(outcome).toMatchObject({ kind: 'violation', invariant: 'I_E1', step: script.length - 1 });
    expect(state.gpc.valid.value).toBe(true);
    expect(state.gpc.active.value).toBe(false);
    expect(state.gpc.khva.value).toBe('K'); // the reused old_khva...
    expect(state.mapped.value.includes('K')).toBe(false); // ...which deactivate unmapped
    const iE2 = pfncache.invariants.find((i) => i.name === 'I_E2');
    expect(iE2?.check(state)).toMatch(/khva = K is not mapped/);
  });

  it('is 2 threads, 2 operations, 20 steps and one preemption (R is switched out after R5)', () => {
    const x = execute(pfncache, new Set(), scenario, new Replay(script));
    expect(x.schedule).toEqual(script);
    expect(x.preemptions).toBe(1);
  });

  it.each([
    ['fixed', pfncache.fixNames],
    ['upstream (deactivate-takes-refresh-lock)', ['deactivate-takes-refresh-lock']],
    ['rework (rework-refresh)', ['rework-refresh']],
  ] as const)('%s: the script no longer fits as is, and its closest legal schedule holds', (_name, fixes) => {
    scriptHolds.run(fixes);
  });

  it('rework: with D switched in at the same point (after R read gpc->pfn), R discards its mapping', () => {
    // Under the rework, R's 8th step is gpc_map(P) of a fresh K1; D then deactivates, and R's
    // recheck of gpc->active under the write lock purges K1 instead of installing it.
    const x = execute(pfncache, new Set(['rework-refresh']), scenario, new FollowScript(script), { trace: true });
    expect(x.outcome.kind).toBe('ok');
    expect(x.finalState).toMatch(/^active=0 valid=0 pfn=ERR khva=NULL mapped=\{\}/);
  });
});
