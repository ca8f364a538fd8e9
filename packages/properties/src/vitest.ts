import { test } from 'vitest';
import type { AnyModel } from '@kvmrace/core';
import { findMinimalRace, raceReport, type FindRaceOptions } from './property.js';

/** Options of `raceTest`. */
export interface RaceTestOptions extends FindRaceOptions {
  /** `holds` (default): fail the test on any race; `races`: fail it when no race is found. */
  readonly expect?: 'holds' | 'races';
  /** vitest timeout in ms. */
  readonly timeout?: number;
}

/**
 * A vitest test that runs `noRace` on a model's variant (default `upstream`, 2,000 runs). When a
 * race is found it is shrunk, minimised and normalised, and the test fails with the race table,
 * the fast-check seed and path and the kvmrace replay token. With `expect: 'races'` it is the
 * other way round (for buggy variants), and the race table is returned in the test's log.
 */
export function raceTest(name: string, model: AnyModel, opts: RaceTestOptions = {}): void {
  const expectation = opts.expect ?? 'holds';
  test(
    name,
    () => {
      const seed = opts.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
      const search = findMinimalRace(model, {
        numRuns: 2_000,
        ...opts,
        seed,
        variant: opts.variant ?? (expectation === 'holds' ? 'upstream' : 'buggy'),
      });
      if (expectation === 'holds' && search.found) throw new Error(`race found:\n${raceReport(search)}`);
      if (expectation === 'races' && !search.found) throw new Error(`no race found in ${search.runs} runs (fast-check seed ${search.seed})`);
    },
    opts.timeout,
  );
}
