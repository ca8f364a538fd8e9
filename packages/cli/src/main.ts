import { ablateCommand } from './commands/ablate-command.js';
import { huntCommand } from './commands/hunt-command.js';
import { listCommand } from './commands/list-command.js';
import { litmusCommandModule } from './commands/litmus.js';
import { replayCommand } from './commands/replay-command.js';
import { reportCommand } from './commands/report-command.js';
import { verifyCommand } from './commands/verify-command.js';
import type { CommandModule } from './program/command-module.js';
import { CliContext, type GuardHooks } from './program/context.js';
import { processIo, terminalSafe, type Io } from './program/io.js';
import { loadModelBeforeAction } from './program/load-model-hook.js';
import { newProgram, runProgram } from './program/new-program.js';

export type { GuardHooks } from './program/context.js';
export { processIo, type Io } from './program/io.js';

/** The commands, in the order `--help` lists them. */
const COMMANDS: readonly CommandModule[] = [listCommand, huntCommand, verifyCommand, ablateCommand, reportCommand, replayCommand, litmusCommandModule];

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], rawIo: Io = processIo, guard?: GuardHooks): Promise<number> {
  // Everything printed passes through here: a model's strings cannot drive the terminal.
  const io = terminalSafe(rawIo);
  const program = newProgram(io)
    .option('--no-timing', 'leave wall-clock times (ms fields) out of JSON, so the same command prints the same bytes');
  const ctx = new CliContext(io, program, guard);
  loadModelBeforeAction(program, ctx);
  for (const command of COMMANDS) command.register(program, ctx);
  return runProgram(program, argv, ctx, io);
}
