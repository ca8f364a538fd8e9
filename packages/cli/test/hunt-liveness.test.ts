import { pfncacheRetry } from '@kvmrace/pfncache';
import { describe, expect, it } from 'vitest';
import { huntJson, huntText, runHunt, type HuntCommand } from '../src/commands/hunt.js';

// Issue 22 item 1 through the CLI's hunt: a PCT run that runs out of steps is a suspected livelock,
// shown as the folded lasso, only when the liveness search finds one again from its scenario.

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const cmd: HuntCommand = { variant: 'buggy', seed: 1, runs: 200, strategy: 'pct', depth: 3 };
const [againstOne, againstTwo] = pfncacheRetry.scenarios.catalogue.map((s) => s.threads);

describe('hunt: bound-reached runs of pfncache-retry', () => {
  it('against the endless invalidator: a suspected livelock, the lasso folded, in text and JSON', async () => {
    const r = await runHunt(pfncacheRetry, cmd, undefined, [againstOne!]);
    const text = strip(huntText(r));
    expect(text).toMatch(/^suspected livelock in pfncache-retry \(buggy\) after \d+ runs, \d+ ms: a run ran out of steps, and the liveness search found a fair lasso from this scenario: CPU0 never completes its operation/);
    expect(text).toContain('repeats for ever');
    expect(text.split('\n').length).toBeLessThan(120);
    const j = huntJson(r) as { found: boolean; counterexample: { outcome: { kind: string } }; liveness: { suspectedLivelock: boolean; endless: number[]; lasso: { starving: number[] } } };
    expect(j.counterexample.outcome.kind).toBe('bound-reached');
    expect(j.liveness).toMatchObject({ suspectedLivelock: true, endless: [1], lasso: { starving: [0] } });
  });

  it('against invalidations that end: bound reached, not a livelock', async () => {
    const r = await runHunt(pfncacheRetry, cmd, undefined, [againstTwo!]);
    const text = strip(huntText(r));
    expect(text).toMatch(/^bound reached in pfncache-retry \(buggy\) after .*: not decided within \d+ steps; not a livelock: every fair run of this scenario completes/);
    expect(text).not.toContain('suspected livelock');
    expect(text).toContain('replay: kvmrace replay kr1.');
    expect((huntJson(r) as { liveness: { suspectedLivelock: boolean } }).liveness.suspectedLivelock).toBe(false);
  });
});
