import { Command } from 'commander';
import { cliVersion } from '../version.js';
import { exitCodeOf } from './exit-code.js';
import type { Io } from './io.js';

/** The `kvmrace` program without its commands: errors thrown (not exits), output through `io`. */
export function newProgram(io: Io): Command {
  return new Command('kvmrace')
    .description('Hunt, verify and replay races in executable models of kernel concurrency protocols.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s), outputError: () => undefined })
    .showSuggestionAfterError(true)
    .version(cliVersion(), '-V, --version', 'print the version of kvmrace');
}

/** Runs `program` on `argv` and returns the exit code its command set, or the one its error means. */
export async function runProgram(program: Command, argv: readonly string[], ctx: { readonly code: number }, io: Io): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.code;
  } catch (err) {
    return exitCodeOf(err, io);
  }
}
