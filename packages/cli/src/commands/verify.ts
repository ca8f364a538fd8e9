import { plural, renderRaceTable, resolveVariant, type AnyModel, type RaceTableOptions, type Counterexample, type VerifyEngine, type VerifyResult } from '@kvmrace/core';
import type { PieceJob } from '../verify-pool/piece-job.js';
import { verifyInPieces, type EarlyStealing, type ModelSource } from '../verify-pool/run-pieces.js';
import pc from 'picocolors';
import { UsageError } from '../errors.js';
import { huntJson } from './hunt.js';
import { lockOrderJson, lockOrderText } from './lock-order-output.js';

/** Options of `kvmrace verify`, parsed. */
export interface VerifyCommand {
  readonly variant: string;
  readonly threads?: number;
  readonly maxOps?: number;
  readonly preemptions?: number;
  readonly minimal: boolean;
  /** Exhaustive engine (default auto: the stateful search for models with state invariants, DPOR otherwise). */
  readonly engine?: VerifyEngine;
  readonly shard?: { readonly index: number; readonly count: number };
  /** Record lock orders over every execution explored (`--lock-order`). */
  readonly lockOrder?: boolean;
}

/** One verification with its variant name: what text and JSON are made from. */
export interface VerifyReport {
  readonly model: AnyModel;
  readonly variant: string;
  readonly command: VerifyCommand;
  readonly result: VerifyResult;
}

/** The work `verify` hands the pieces and workers, from its options. */
export function verifyJob(model: AnyModel, cmd: VerifyCommand): PieceJob {
  return {
    fixes: resolveVariant(model, cmd.variant).fixes,
    minimal: cmd.minimal,
    ...(cmd.threads !== undefined ? { threads: cmd.threads } : {}),
    ...(cmd.maxOps !== undefined ? { maxOps: cmd.maxOps } : {}),
    ...(cmd.preemptions !== undefined ? { preemptions: cmd.preemptions } : {}),
    ...(cmd.engine !== undefined ? { engine: cmd.engine } : {}),
    ...(cmd.lockOrder ? { lockOrder: true } : {}),
  };
}

/** Runs `verify` on one model, its work cut into pieces shared by `workers` threads (see verify-pool). */
export async function runVerify(
  source: ModelSource,
  cmd: VerifyCommand,
  workers: number,
  onProgress?: (done: number, total: number, executions: number) => void,
  /** The estimated time of the work (workers start at once when it is long). */
  estimatedMs = 0,
  /** Its work-stealing workers, started already (`startEarly`). */
  early?: EarlyStealing,
): Promise<VerifyReport> {
  const model = source.model;
  const variant = resolveVariant(model, cmd.variant);
  const result = await verifyInPieces(source, verifyJob(model, cmd), cmd.shard, workers, onProgress, estimatedMs, early);
  return { model, variant: variant.name, command: cmd, result };
}

/** Parses `--shard i/n` (1-based i). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const i = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1 && n <= 1_000_000) || !(i >= 1 && i <= n)) throw new UsageError(`--shard takes i/n with 1 <= i <= n, not '${text}'`);
  return { index: i - 1, count: n };
}

/** The bound a verification ran under, as JSON. */
function bound(cmd: VerifyCommand): Record<string, unknown> {
  return {
    preemptions: cmd.preemptions ?? null,
    threads: cmd.threads ?? null,
    maxOps: cmd.maxOps ?? null,
    scenarios: cmd.threads !== undefined || cmd.maxOps !== undefined ? 'generated' : 'catalogue',
    engine: cmd.engine ?? 'auto',
    memory: 'sc',
    ...(cmd.shard ? { shard: `${cmd.shard.index + 1}/${cmd.shard.count}` } : {}),
  };
}

/** The counterexample and token exactly as `hunt --json` shapes them. */
function counterexampleJson(r: VerifyReport, cx: Counterexample): Record<string, unknown> {
  const shaped = huntJson({
    model: r.model,
    variant: r.variant,
    ms: r.result.ms,
    result: { found: true, runs: 0, counterexample: cx },
  });
  return { counterexample: shaped.counterexample, token: shaped.token };
}

/** The stable JSON of one verification (see README). */
export function verifyJson(r: VerifyReport): Record<string, unknown> {
  const x = r.result;
  return {
    model: r.model.name,
    variant: r.variant,
    verdict: x.verdict,
    bound: bound(r.command),
    scenarios: x.scenarios,
    executions: x.executions,
    complete: x.complete,
    redundant: x.redundant,
    ...(x.stateHits !== undefined ? { stateHits: x.stateHits, states: x.states } : {}),
    ms: x.ms,
    ...(x.counterexample ? counterexampleJson(r, x.counterexample) : {}),
    ...(x.lockOrder ? { lockOrder: lockOrderJson(x.lockOrder) } : {}),
  };
}

/** What the bound was, in words. */
function boundText(cmd: VerifyCommand): string {
  const parts = [cmd.preemptions !== undefined ? `at most ${cmd.preemptions} preemptions` : 'every interleaving'];
  if (cmd.threads !== undefined || cmd.maxOps !== undefined) {
    parts.push(`every scenario${cmd.threads !== undefined ? ` of up to ${cmd.threads} threads` : ''}${cmd.maxOps !== undefined ? ` and ${cmd.maxOps} operations` : ''}`);
  }
  if (cmd.shard) parts.push(`shard ${cmd.shard.index + 1}/${cmd.shard.count}`);
  parts.push('memory model sc (sequential consistency)');
  return parts.join(', ');
}

/** The text of one verification: the verdict with its figures, and the race table when violated. */
export function verifyText(r: VerifyReport, table: RaceTableOptions = {}): string {
  const x = r.result;
  const pct = x.executions ? ((100 * x.redundant) / x.executions).toFixed(1) : '0.0';
  const states = x.stateHits !== undefined ? `, ${x.states} states (${x.stateHits} reached again and cut)` : '';
  const figures = `${plural(x.scenarios, 'scenario')}, ${plural(x.executions, 'execution')} (${x.redundant} redundant, ${pct}%)${states}, ${x.ms} ms; ${boundText(r.command)}`;
  const cx = x.counterexample;
  const locks = x.lockOrder ? `\n${lockOrderText(x.lockOrder)}` : '';
  if (!cx) return `${pc.green('holds')}: ${r.model.name} (${r.variant}): ${figures}${locks}`;
  return [
    `${pc.red('violated')}: ${r.model.name} (${r.variant}): ${figures}`,
    r.command.minimal ? `smallest counterexample: ${plural(cx.threads, 'thread')}, ${plural(cx.operations, 'operation')}, ${plural(cx.preemptions, 'preemption')}, ${plural(cx.steps, 'step')}` : '',
    '',
    renderRaceTable(r.model.name, r.variant, cx, table),
    '',
    `replay: kvmrace replay ${cx.token}`,
  ]
    .filter((line, i) => i !== 1 || line !== '')
    .join('\n') + locks;
}
