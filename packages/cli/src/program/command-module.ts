import type { Command } from 'commander';
import type { CliContext } from './context.js';

/** One `kvmrace` command: its options and its action, added to the program. */
export interface CommandModule {
  /** The command's name (`hunt`). */
  readonly name: string;
  /** Defines the command on `program`; its action reads and writes through `ctx`. */
  register(program: Command, ctx: CliContext): void;
}
