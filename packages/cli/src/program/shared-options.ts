import { checkBarrierNames, type AnyModel, type RaceTableOptions } from '@kvmrace/core';
import { UsageError } from '../errors.js';
import { Option, type Command } from 'commander';
import { DEFAULT_LIMITS } from '../guard/run-guarded.js';
import { parseWhole } from '../options.js';

/** Race tables fill a terminal; elsewhere (a pipe, a file, CI) they take this many columns. */
export const DEFAULT_WIDTH = 100;

/** What `--variant` takes, for every command that has it. */
export const VARIANT_HELP = 'buggy, upstream (the fix as merged; fixed is a synonym), all (every toggle), a proposal or named variant (see kvmrace list), or fix names joined by commas';

/** `--json`. */
export const withJson = (cmd: Command): Command => cmd.option('--json', 'print JSON');

/** `--model <file>` and the limits its code runs under. */
export const withModelFile = (cmd: Command): Command =>
  cmd
    .option('--model <file>', 'a model file of your own (.ts or .js exporting a defineModel() model); its name can then be left out')
    .option('--step-timeout <s>', `with --model: longest one step (or setup, or an invariant) of the model may run, in seconds (default ${DEFAULT_LIMITS.stepTimeoutSeconds})`)
    .option('--max-memory <MB>', `with --model: heap the model may use, in MB (default ${DEFAULT_LIMITS.maxMemoryMb})`);

/** `--width` and `--format` of the race tables a command prints. */
export const withTableOptions = (cmd: Command): Command =>
  cmd
    .option('--width <n>', `most columns a race table line takes (default: the terminal's width, ${DEFAULT_WIDTH} when not a terminal; 72 for a commit message)`)
    .addOption(new Option('--format <style>', 'race table style: table (numbered rows, a column per CPU) or commit (CPU 0 / CPU 1, as in kernel commit messages)').choices(['table', 'commit']).default('table'));

/** The options `withTableOptions` adds, as commander hands them over. */
export interface TableFlags {
  readonly width?: string;
  readonly format?: 'table' | 'commit';
}

/** The race table options a command was given. */
export function tableOf(opts: TableFlags): RaceTableOptions {
  return {
    width: opts.width !== undefined ? parseWhole('--width', opts.width, 40, 1000) : terminalWidth(),
    format: opts.format ?? 'table',
  };
}

/** The terminal's width when stdout is one, else DEFAULT_WIDTH. */
function terminalWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? Math.max(40, process.stdout.columns) : DEFAULT_WIDTH;
}

/** `--memory` and `--without-barrier`, for every command that explores. */
export const withMemory = (cmd: Command): Command =>
  cmd
    .addOption(new Option('--memory <model>', 'memory model: sc (sequential consistency), tso (x86-TSO) or lkmm (the Linux-kernel memory model)').choices(['sc', 'tso', 'lkmm']).default('sc'))
    .option('--without-barrier <names>', 'turn barrier toggles off, joined by commas (see kvmrace list <model>); they order memory only under tso and lkmm');

/** The options `withMemory` adds, as commander hands them over. */
export interface MemoryFlags {
  readonly memory: 'sc' | 'tso' | 'lkmm';
  readonly withoutBarrier?: string;
}

/** The barrier toggles `--without-barrier` names, checked against the model's. */
export function barriersOff(model: AnyModel, opts: MemoryFlags): string[] {
  if (opts.withoutBarrier === undefined) return [];
  const names = opts.withoutBarrier.split(',').map((n) => n.trim());
  if (names.some((n) => n === '')) throw new UsageError(`--without-barrier takes barrier names joined by commas, not '${opts.withoutBarrier}'`);
  if (new Set(names).size !== names.length) throw new UsageError(`--without-barrier names a barrier twice: '${opts.withoutBarrier}'`);
  try {
    checkBarrierNames(model, names);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return names;
}

/** Refuses options a weak-memory exploration does not take yet, one line naming the first. */
export function refuseUnderWeakMemory(memory: string, given: Readonly<Record<string, unknown>>): void {
  for (const [flag, value] of Object.entries(given)) {
    if (value !== undefined && value !== false) throw new UsageError(`${flag} is not supported with --memory ${memory} yet`);
  }
}
