import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkLitmus,
  expectedObservation,
  formatResult,
  formatSummaryTable,
  isMemoryModelName,
  LitmusError,
  parseLitmus,
  type LitmusResult,
  type LitmusTest,
  type MemoryModelName,
  type Observation,
} from '@kvmrace/memory';
import type { Command } from 'commander';
import type { CommandModule } from '../program/command-module.js';
import { processIo, type Io } from '../program/io.js';

// `kvmrace litmus <file|dir>... [--memory lkmm|sc|tso] [--json]`: reads C litmus tests and prints,
// like herd7, each one's reachable final states and its observation under a memory model; over
// several tests a summary table. Exit 0, 1 when a test's observation differs from the `Result:`
// line of its header (`Result-sc:` / `Result-tso:` under those models), 2 on bad input.

/** One line of `kvmrace --help`. */
export const litmusUsage = 'read C litmus tests (files, or every *.litmus of a directory) and print their final states and observation under a memory model, like herd7';

export interface LitmusOptions {
  /** lkmm (the default), sc or tso. */
  readonly memory?: string;
  readonly json?: boolean;
}

/** Bad input: said in one line on stderr, exit 2. */
class InputError extends Error {}

/** The litmus files named by `paths`: a directory gives its `*.litmus` files, sorted. */
function litmusFiles(paths: readonly string[]): string[] {
  if (paths.length === 0) throw new InputError('litmus needs a file or a directory');
  const files: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new InputError(`${p}: no such file or directory`);
    }
    if (!isDir) {
      files.push(p);
      continue;
    }
    const inside = readdirSync(p).filter((f) => f.endsWith('.litmus')).sort();
    if (inside.length === 0) throw new InputError(`${p}: no .litmus file in this directory`);
    files.push(...inside.map((f) => join(p, f)));
  }
  return files;
}

interface Checked {
  readonly file: string;
  readonly result: LitmusResult;
  readonly expected?: Observation;
  readonly ms: number;
}

/**
 * Runs `kvmrace litmus` and returns its exit code: 0 when every test gives the result its header
 * claims (or claims none), 1 when one differs, 2 on bad input (nothing on stdout then).
 */
export async function litmusCommand(paths: string[], opts: LitmusOptions, io: Io = processIo): Promise<number> {
  const memoryName = opts.memory ?? 'lkmm';
  let tests: Array<{ file: string; test: LitmusTest }>;
  try {
    if (!isMemoryModelName(memoryName)) throw new InputError(`--memory must be lkmm, sc or tso, not '${memoryName}'`);
    // Every file is read and parsed before anything is printed: bad input prints nothing on stdout.
    tests = litmusFiles(paths).map((file) => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw new InputError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      return { file, test: parseLitmus(text, file) };
    });
  } catch (e) {
    if (e instanceof LitmusError || e instanceof InputError) {
      io.err(`kvmrace: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const memory: MemoryModelName = memoryName;
  const checked: Checked[] = tests.map(({ file, test }) => {
    const t0 = performance.now();
    const result = checkLitmus(test, { memory });
    const ms = performance.now() - t0;
    const expected = expectedObservation(test, memory);
    return expected === undefined ? { file, result, ms } : { file, result, expected, ms };
  });
  const differs = checked.some((c) => c.expected !== undefined && c.expected !== c.result.observation);

  if (opts.json) {
    const doc = {
      version: 1,
      memory,
      tests: checked.map(({ file, result, expected }) => ({
        file,
        ...result,
        ...(expected === undefined ? {} : { expected, matches: expected === result.observation }),
      })),
    };
    io.out(`${JSON.stringify(doc, null, 2)}\n`);
    return differs ? 1 : 0;
  }

  const parts = checked.map(({ result, expected }) => {
    const claim = expected === undefined
      ? ''
      : `Expected ${expected}: ${expected === result.observation ? 'matches' : `DIFFERS (got ${result.observation})`}\n`;
    return `${formatResult(result)}${claim}`;
  });
  if (checked.length > 1) parts.push(formatSummaryTable(checked));
  io.out(parts.join('\n'));
  return differs ? 1 : 0;
}

/** Adds the `litmus` command to `program`; it needs of the CLI's context only where to write and the exit code. */
export function registerLitmus(program: Command, ctx: { readonly io: Io; code: number }): void {
  program
    .command('litmus')
    .description(litmusUsage)
    .argument('<paths...>', 'litmus files, or directories of *.litmus files')
    .option('--memory <model>', 'memory model: lkmm (default), sc or tso', 'lkmm')
    .option('--json', 'print one JSON document')
    .action(async (paths: string[], opts: LitmusOptions) => {
      ctx.code = await litmusCommand(paths, opts, ctx.io);
    });
}

/** The `litmus` command, ready for the program's list of commands. */
export const litmusCommandModule: CommandModule = { name: 'litmus', register: registerLitmus };
