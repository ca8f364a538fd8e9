import { describe, expect, it } from 'vitest';
import { decodeToken, execute, hunt, RandomWalk, Replay, replaySchedule } from '../src/index.js';
import { lostUpdate } from './fixtures/lost-update.js';

describe('lost update through the whole engine', () => {
  it('the random walk finds the lost update without the lock', () => {
    const r = hunt(lostUpdate, { fixes: [], seed: 7, runs: 1000, strategy: 'random' });
    expect(r.found).toBe(true);
    expect(r.counterexample?.outcome.kind).toBe('violation');
    expect(r.counterexample?.outcome.invariant).toBe('no-lost-update');
  });

  it('PCT never breaks the locked variant', () => {
    const r = hunt(lostUpdate, { fixes: ['take-lock'], seed: 7, runs: 5000, strategy: 'pct' });
    expect(r.found).toBe(false);
    expect(r.outcomes.ok).toBe(5000);
  });

  it('a token replays the same schedule and outcome', () => {
    const r = hunt(lostUpdate, { fixes: [], seed: 3, runs: 1000, strategy: 'random' });
    const cx = r.counterexample!;
    const record = decodeToken(cx.token);
    const again = replaySchedule(lostUpdate, record.fixes, record.scenario, record.schedule, true);
    expect(again.outcome).toEqual(cx.outcome);
    expect(again.trace).toEqual(cx.trace);
  });

  it('the same seed gives the same schedules', () => {
    const a = new RandomWalk(42);
    const b = new RandomWalk(42);
    for (let i = 0; i < 50; i++) {
      const x = execute(lostUpdate, new Set(), [['increment', 'increment'], ['increment']], a);
      const y = execute(lostUpdate, new Set(), [['increment', 'increment'], ['increment']], b);
      expect(x.schedule).toEqual(y.schedule);
    }
  });

  it('a schedule that does not fit is refused', () => {
    expect(() => execute(lostUpdate, new Set(['take-lock']), [['increment'], ['increment']], new Replay([0, 1, 1, 1]))).toThrow(/cannot run/);
  });
});
