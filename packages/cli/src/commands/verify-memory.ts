import { MEMORY_TITLES, plural, renderRaceTable, resolveVariant, verifyUnderMemory, type AnyModel, type MemoryVerifyResult, type RaceTableOptions } from '@kvmrace/core';
import pc from 'picocolors';
import { huntJson } from './hunt.js';

/** `kvmrace verify --memory tso|lkmm`: what it was asked. */
export interface MemoryVerifyCommand {
  readonly variant: string;
  readonly memory: 'tso' | 'lkmm';
  readonly withoutBarriers: readonly string[];
  readonly threads?: number;
  readonly maxOps?: number;
  readonly minimal: boolean;
}

/** One verification under a weak memory model, with its variant's name. */
export interface MemoryVerifyReport {
  readonly model: AnyModel;
  readonly variant: string;
  readonly command: MemoryVerifyCommand;
  readonly result: MemoryVerifyResult;
}

/** Runs the verification in this process (the weak explorer has no worker pool yet). */
export function runVerifyMemory(model: AnyModel, cmd: MemoryVerifyCommand, onProgress?: (done: number, total: number) => void): MemoryVerifyReport {
  const variant = resolveVariant(model, cmd.variant);
  const result = verifyUnderMemory(model, {
    fixes: variant.fixes,
    memory: cmd.memory,
    withoutBarriers: cmd.withoutBarriers,
    minimal: cmd.minimal,
    ...(cmd.threads !== undefined ? { threads: cmd.threads } : {}),
    ...(cmd.maxOps !== undefined ? { maxOps: cmd.maxOps } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  return { model, variant: variant.name, command: cmd, result };
}

/** What was covered, in words. */
function coverage(r: MemoryVerifyReport): string {
  const c = r.command;
  const parts = ['every interleaving with every reads-from and coherence choice (executions whose po ∪ rf is acyclic)'];
  if (c.threads !== undefined || c.maxOps !== undefined) {
    parts.push(`every scenario${c.threads !== undefined ? ` of up to ${c.threads} threads` : ''}${c.maxOps !== undefined ? ` and ${c.maxOps} operations` : ''}`);
  }
  parts.push(`memory model ${c.memory} (${MEMORY_TITLES[c.memory]})`);
  parts.push(c.withoutBarriers.length ? `without ${c.withoutBarriers.join(', ')}` : 'every barrier on');
  return parts.join(', ');
}

/** The text of a verification under a weak memory model. */
export function verifyMemoryText(r: MemoryVerifyReport, table: RaceTableOptions = {}): string {
  const x = r.result;
  const figures = `${plural(x.scenarios, 'scenario')}, ${plural(x.executions, 'execution')} (${x.consistent} consistent, ${plural(x.distinct, 'distinct graph')}, ${x.pruned} dropped as inconsistent), ${x.ms} ms; ${coverage(r)}`;
  const cx = x.counterexample;
  if (!cx) return `${pc.green('holds')}: ${r.model.name} (${r.variant}): ${figures}`;
  const edges = cx.weak?.weakEdges ?? 0;
  const needs =
    x.scVerdict === 'holds'
      ? `the race needs weak memory: this scenario holds under sc; ${plural(edges, 'weak edge')} (a read of a write that is not the latest, or a write placed before one already made)`
      : `an sc interleaving of this scenario fails too (${plural(edges, 'weak edge')} in this one)`;
  return [`${pc.red('violated')}: ${r.model.name} (${r.variant}): ${figures}`, needs, '', renderRaceTable(r.model.name, r.variant, cx, table), '', `replay: kvmrace replay ${cx.token}`].join('\n');
}

/** The JSON of a verification under a weak memory model (the same keys as under sc where they mean the same). */
export function verifyMemoryJson(r: MemoryVerifyReport): Record<string, unknown> {
  const x = r.result;
  const c = r.command;
  const cx = x.counterexample;
  const shaped = cx ? huntJson({ model: r.model, variant: r.variant, ms: x.ms, result: { found: true, runs: 0, counterexample: cx } }) : undefined;
  return {
    model: r.model.name,
    variant: r.variant,
    verdict: x.verdict,
    bound: {
      preemptions: null,
      threads: c.threads ?? null,
      maxOps: c.maxOps ?? null,
      scenarios: c.threads !== undefined || c.maxOps !== undefined ? 'generated' : 'catalogue',
      engine: 'weak',
      memory: c.memory,
      withoutBarriers: c.withoutBarriers,
    },
    scenarios: x.scenarios,
    executions: x.executions,
    consistent: x.consistent,
    distinct: x.distinct,
    pruned: x.pruned,
    ms: x.ms,
    ...(shaped ? { counterexample: shaped.counterexample, token: shaped.token, scVerdict: x.scVerdict } : {}),
  };
}
