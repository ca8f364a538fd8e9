import { registerLitmus } from './commands/litmus.js';
import { EXIT } from './errors.js';
import { processIo, terminalSafe, type Io } from './program/io.js';
import { newProgram, runProgram } from './program/new-program.js';

/**
 * `kvmrace litmus ...` as its own program: the litmus reader needs no model, so this loads
 * @kvmrace/memory and not @kvmrace/core and the model packages (about half of the start of
 * `kvmrace litmus` over the corpus). `main()` runs the same command among the others.
 */
export async function litmusMain(argv: readonly string[], rawIo: Io = processIo): Promise<number> {
  const io = terminalSafe(rawIo);
  const program = newProgram(io);
  const ctx = { io, code: EXIT.ok as number };
  registerLitmus(program, ctx);
  return runProgram(program, argv, ctx, io);
}
