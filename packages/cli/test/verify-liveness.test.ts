import { pfncache, pfncacheRetry } from '@kvmrace/pfncache';
import { describe, expect, it } from 'vitest';
import { livenessHolds, livenessJson, livenessText, runLiveness } from '../src/commands/verify-liveness.js';

describe('verify --liveness', () => {
  it('buggy pfncache-retry: a livelock, printed as a folded lasso, in JSON with its stem and cycle', () => {
    const report = runLiveness(pfncacheRetry, 'buggy');
    expect(livenessHolds(report)).toBe(false);
    const text = livenessText(report, 100);
    expect(text).toContain('refresh-vs-endless-invalidate-other: livelock');
    expect(text).toContain('the cycle: from here it repeats for ever');
    const json = livenessJson(report) as { verdict: string; scenarios: Array<{ verdict: string; lasso?: { stem: number[]; cycle: number[]; starving: number[] } }> };
    expect(json.verdict).toBe('livelock');
    expect(json.scenarios[0]!.lasso!.starving).toEqual([0]);
    expect(json.scenarios[0]!.lasso!.cycle.length).toBeGreaterThan(0);
  });

  it('upstream pfncache-retry holds', () => {
    const report = runLiveness(pfncacheRetry, 'upstream');
    expect(livenessHolds(report)).toBe(true);
    expect((livenessJson(report) as { verdict: string }).verdict).toBe('holds');
  });

  it('a model without liveness scenarios is refused', () => {
    expect(() => runLiveness(pfncache, 'upstream')).toThrow(/declares no liveness scenarios/);
  });
});
