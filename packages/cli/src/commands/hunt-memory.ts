import { huntUnderMemory, MEMORY_TITLES, plural, renderRaceTable, resolveVariant, type AnyModel, type MemoryHuntResult, type RaceTableOptions } from '@kvmrace/core';
import { performance } from 'node:perf_hooks';
import pc from 'picocolors';
import { huntJson } from './hunt.js';

/** `kvmrace hunt --memory tso|lkmm`, parsed. */
export interface MemoryHuntCommand {
  readonly variant: string;
  readonly seed: number;
  readonly runs: number;
  readonly memory: 'tso' | 'lkmm';
  readonly withoutBarriers: readonly string[];
}

/** One hunt under weak memory with its variant and timing. */
export interface MemoryHuntReport {
  readonly model: AnyModel;
  readonly variant: string;
  readonly command: MemoryHuntCommand;
  readonly result: MemoryHuntResult;
  readonly ms: number;
}

/** Runs the hunt in this process. */
export function runHuntMemory(model: AnyModel, cmd: MemoryHuntCommand, onProgress?: (done: number) => void): MemoryHuntReport {
  const start = performance.now();
  const variant = resolveVariant(model, cmd.variant);
  const result = huntUnderMemory(model, { fixes: variant.fixes, memory: cmd.memory, withoutBarriers: cmd.withoutBarriers, seed: cmd.seed, runs: cmd.runs, ...(onProgress ? { onProgress } : {}) });
  return { model, variant: variant.name, command: cmd, result, ms: Math.round(performance.now() - start) };
}

/** The memory model and barriers, in words. */
function under(cmd: MemoryHuntCommand): string {
  return `memory model ${cmd.memory} (${MEMORY_TITLES[cmd.memory]}), ${cmd.withoutBarriers.length ? `without ${cmd.withoutBarriers.join(', ')}` : 'every barrier on'}`;
}

/** The JSON of a hunt under weak memory: hunt's keys, and the memory model. */
export function huntMemoryJson(r: MemoryHuntReport): Record<string, unknown> {
  const shaped = huntJson({ model: r.model, variant: r.variant, ms: r.ms, result: { found: r.result.found, runs: r.result.runs, ...(r.result.counterexample ? { counterexample: r.result.counterexample } : {}) } });
  return { ...shaped, memory: r.command.memory, withoutBarriers: r.command.withoutBarriers, pruned: r.result.pruned, seed: r.command.seed };
}

/** The text of a hunt under weak memory. */
export function huntMemoryText(r: MemoryHuntReport, table: RaceTableOptions = {}): string {
  const cx = r.result.counterexample;
  const tried = `${r.result.runs} random runs (${r.result.pruned} dropped as inconsistent), ${r.ms} ms; ${under(r.command)}`;
  if (!cx) return `${pc.green('no race found')} in ${r.model.name} (${r.variant}): ${tried}`;
  return [
    `${pc.red('race found')} in ${r.model.name} (${r.variant}) after ${tried}`,
    `shrunk over every execution of its scenario: ${plural(cx.preemptions, 'preemption')}, ${plural(cx.weak?.weakEdges ?? 0, 'weak edge')}`,
    '',
    renderRaceTable(r.model.name, r.variant, cx, table),
    '',
    `replay: kvmrace replay ${cx.token}`,
  ].join('\n');
}
