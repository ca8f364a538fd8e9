import { hunt, renderLassoTable, renderRaceTable, resolveVariant, withLockOrder, type AnyModel, type RaceTableOptions, type Counterexample, type HuntStrategy, type LivenessRecheck, type LockOrderReport, type OutcomeKind, type Scenario } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';
import pc from 'picocolors';
import { lockOrderJson, lockOrderText } from './lock-order-output.js';
import { lassoJson } from './verify-liveness.js';

/** Options of `kvmrace hunt`, parsed. */
export interface HuntCommand {
  readonly variant: string;
  readonly seed: number;
  readonly runs: number;
  readonly strategy: HuntStrategy | 'fast-check';
  readonly depth: number;
  /** Record lock orders over every execution run (`--lock-order`). */
  readonly lockOrder?: boolean;
}

/** What any engine's hunt found. */
export interface HuntFindings {
  readonly found: boolean;
  readonly runs: number;
  /** How runs ended, when the engine counts them (random and PCT). */
  readonly outcomes?: Readonly<Record<OutcomeKind, number>>;
  readonly gaveUp?: number;
  readonly counterexample?: Counterexample;
  /** With `--lock-order`: the lock orders seen and their cycles. */
  readonly lockOrder?: LockOrderReport;
  /** When the run found ran out of steps (random and PCT): the liveness search from its scenario. */
  readonly liveness?: LivenessRecheck;
}

/** One hunt, with its timing and variant name: what text and JSON are made from. */
export interface HuntReport {
  readonly model: AnyModel;
  readonly variant: string;
  readonly result: HuntFindings;
  readonly ms: number;
}

/** Runs a hunt on one model (with `lockOrder`, recording the lock orders of every run it makes). */
export async function runHunt(model: AnyModel, cmd: HuntCommand, onProgress?: (done: number) => void, scenarios?: readonly Scenario[]): Promise<HuntReport> {
  const variant = resolveVariant(model, cmd.variant);
  // fast-check loads only for the commands that hunt with it: verify, ablate and replay start faster.
  const properties = cmd.strategy === 'fast-check' ? await import('@kvmrace/properties') : undefined;
  const search = (): HuntReport => {
    const start = performance.now();
    let result: HuntFindings;
    if (properties !== undefined) {
      const r = properties.findMinimalRace(model, { variant: cmd.variant, seed: cmd.seed, numRuns: cmd.runs });
      result = { found: r.found, runs: r.runs, ...(r.counterexample ? { counterexample: r.counterexample } : {}) };
    } else {
      result = hunt(model, {
        ...(scenarios ? { scenarios } : {}),
        fixes: variant.fixes,
        seed: cmd.seed,
        runs: cmd.runs,
        strategy: cmd.strategy as HuntStrategy,
        pctDepth: cmd.depth,
        ...(onProgress ? { onProgress } : {}),
      });
    }
    return { model, variant: variant.name, result, ms: Math.round(performance.now() - start) };
  };
  if (!cmd.lockOrder) return search();
  // The search is synchronous: every run it makes, whichever engine, reports its locks.
  const { result: report, lockOrder } = withLockOrder(model, variant.fixes, search);
  return { ...report, result: { ...report.result, lockOrder } };
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
    ...(r.result.lockOrder ? { lockOrder: lockOrderJson(r.result.lockOrder) } : {}),
    ...(r.result.liveness ? { liveness: livenessRecheckJson(r.result.liveness) } : {}),
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
            ...(cx.weak ? { memory: cx.weak.memory, weakEdges: cx.weak.weakEdges, choices: cx.weak.choices, withoutBarriers: cx.weak.withoutBarriers } : {}),
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
  const locks = r.result.lockOrder ? `\n${lockOrderText(r.result.lockOrder)}` : '';
  if (!cx) return `${pc.green('no race found')} in ${r.model.name} (${r.variant}): ${tried}${locks}`;
  const live = r.result.liveness;
  if (live?.lasso) {
    // A fair lasso found again: the folded lasso says more than the 2,000 steps of the run.
    return [`${pc.red('suspected livelock')} in ${r.model.name} (${r.variant}) after ${tried}: a run ran out of steps, and ${live.message.slice('suspected livelock: '.length)}`, '', renderLassoTable(r.model.name, r.variant, live.lasso, table.width !== undefined ? { width: table.width } : {})].join('\n') + locks;
  }
  if (cx.outcome.kind === 'bound-reached') {
    return [`${pc.yellow('bound reached')} in ${r.model.name} (${r.variant}) after ${tried}: not decided within ${cx.steps} steps; ${live?.message ?? ''}`, '', renderRaceTable(r.model.name, r.variant, cx, table), '', `replay: kvmrace replay ${cx.token}`].join('\n') + locks;
  }
  return [
    `${pc.red('race found')} in ${r.model.name} (${r.variant}) after ${tried}`,
    '',
    renderRaceTable(r.model.name, r.variant, cx, table),
    '',
    `replay: kvmrace replay ${cx.token}`,
  ].join('\n') + locks;
}

/** The `liveness` section of `hunt --json`: the liveness search from the scenario of a run that ran out of steps. */
function livenessRecheckJson(l: LivenessRecheck): Record<string, unknown> {
  return {
    verdict: l.verdict,
    suspectedLivelock: l.verdict === 'livelock',
    scenario: l.scenario,
    endless: l.endless,
    states: l.states,
    message: l.message,
    ...(l.lasso ? { lasso: lassoJson(l.lasso) } : {}),
  };
}
