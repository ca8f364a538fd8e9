import type { AnyModel } from '@kvmrace/core';
import type { Command } from 'commander';
import { EXIT, UsageError } from '../errors.js';
import type { ModelNames } from '../guard/guard-model.js';
import { builtinModels, findModel } from '../registry.js';
import type { Io } from './io.js';

/** Set when the CLI runs inside a guarded worker (see guard/run-guarded.ts). */
export interface GuardHooks {
  /** The watchdog cell the user's model code reports to. */
  readonly watchdog: Int32Array;
  /** Called with the loaded model's names, so the parent can say where it got stuck. */
  readonly onModelLoaded: (names: ModelNames) => void;
}

/** What every command's action shares: where to write, the models, and the exit code. */
export class CliContext {
  /** The exit code the command sets (0 until it says otherwise). */
  code: number = EXIT.ok;
  /** Models a `--model <file>` option loaded, before the built-in ones. */
  readonly extra: AnyModel[] = [];
  /** The file each model of `extra` came from (workers load it again). */
  readonly modelFiles = new Map<AnyModel, string>();

  constructor(
    readonly io: Io,
    private readonly program: Command,
    readonly guard?: GuardHooks,
  ) {}

  /** JSON as printed: wall-clock fields dropped with --no-timing. */
  json(value: unknown): string {
    return JSON.stringify(value, this.program.opts().timing === false ? withoutTiming : undefined, 2);
  }

  /** Built-in models plus the ones `--model` loaded (those win a name clash). */
  models(): readonly AnyModel[] {
    return [...this.extra, ...builtinModels.filter((m) => !this.extra.some((e) => e.name === m.name))];
  }

  /** The model named, or the one `--model` loaded when no name is given. */
  findModel(name: string | undefined): AnyModel {
    if (name === undefined) {
      if (this.extra.length) return this.extra[0] as AnyModel;
      throw new UsageError('give a model name (see kvmrace list) or --model <file>');
    }
    return findModel(name, this.models());
  }
}

/** A JSON replacer that drops wall-clock fields (`ms`, `msToFind`, ...), the only ones that differ between runs. */
function withoutTiming(key: string, value: unknown): unknown {
  return /^ms([A-Z]|$)/.test(key) ? undefined : value;
}
