import { hunt, renderRaceTable, resolveVariant, type AnyModel, type RaceTableOptions, type Counterexample, type HuntStrategy, type OutcomeKind, type Scenario } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';
import pc from 'picocolors';

/** Options of `kvmrace hunt`, parsed. */
export interface HuntCommand {
  readonly variant: string;
  readonly seed: number;
  readonly runs: number;
  readonly strategy: HuntStrategy | 'fast-check';
  readonly depth: number;
}

/** What any engine's hunt found. */
export interface HuntFindings {
  readonly found: boolean;
  readonly runs: number;
  /** How runs ended, when the engine counts them (random and PCT). */
  readonly outcomes?: Readonly<Record<OutcomeKind, number>>;
  readonly gaveUp?: number;
  readonly counterexample?: Counterexample;
}

/** One hunt, with its timing and variant name: what text and JSON are made from. */
export interface HuntReport {
  readonly model: AnyModel;
  readonly variant: string;
  readonly result: HuntFindings;
  readonly ms: number;
}

/** Runs a hunt on one model. */
export async function runHunt(model: AnyModel, cmd: HuntCommand, onProgress?: (done: number) => void, scenarios?: readonly Scenario[]): Promise<HuntReport> {
  const variant = resolveVariant(model, cmd.variant);
  if (cmd.strategy === 'fast-check') {
    // fast-check loads only for the commands that hunt with it: verify, ablate and replay start faster.
    const { findMinimalRace } = await import('@kvmrace/properties');
    const start = performance.now();
    const r = findMinimalRace(model, { variant: cmd.variant, seed: cmd.seed, numRuns: cmd.runs });
    const result: HuntFindings = { found: r.found, runs: r.runs, ...(r.counterexample ? { counterexample: r.counterexample } : {}) };
    return { model, variant: variant.name, result, ms: Math.round(performance.now() - start) };
  }
  const start = performance.now();
  const result = hunt(model, {
    ...(scenarios ? { scenarios } : {}),
    fixes: variant.fixes,
    seed: cmd.seed,
    runs: cmd.runs,
    strategy: cmd.strategy,
    pctDepth: cmd.depth,
    ...(onProgress ? { onProgress } : {}),
  });
  return { model, variant: variant.name, result, ms: Math.round(performance.now() - start) };
}

/** The stable JSON of one hunt (see README: keep these names). */
export function huntJson(r: HuntReport): Record<string, unknown> {
  const cx = r.result.counterexample;
  return {
    model: r.model.name,
    variant: r.variant,
    found: r.result.found,
    runs: r.result.runs,
    ms: r.ms,
    ...(r.result.outcomes ? { outcomes: r.result.outcomes } : {}),
    ...(r.result.gaveUp !== undefined ? { gaveUp: r.result.gaveUp } : {}),
    ...(cx
      ? {
          counterexample: {
            threads: cx.threads,
            operations: cx.operations,
            preemptions: cx.preemptions,
            steps: cx.steps,
            outcome: { kind: cx.outcome.kind, ...(cx.outcome.invariant ? { invariant: cx.outcome.invariant } : {}), message: cx.outcome.message },
            scenario: cx.scenario,
            schedule: cx.schedule,
            engine: cx.engine,
            trace: cx.trace,
          },
          token: cx.token,
        }
      : {}),
  };
}

/** The text of one hunt: the race table and its replay command, or what was tried. */
export function huntText(r: HuntReport, table: RaceTableOptions = {}): string {
  const cx = r.result.counterexample;
  const tried = `${r.result.runs} runs, ${r.ms} ms${r.result.gaveUp ? `, ${r.result.gaveUp} with a retry loop that gave up` : ''}`;
  if (!cx) return `${pc.green('no race found')} in ${r.model.name} (${r.variant}): ${tried}`;
  return [
    `${pc.red('race found')} in ${r.model.name} (${r.variant}) after ${tried}`,
    '',
    renderRaceTable(r.model.name, r.variant, cx, table),
    '',
    `replay: kvmrace replay ${cx.token}`,
  ].join('\n');
}
