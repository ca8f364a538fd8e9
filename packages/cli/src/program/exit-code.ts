import { CommanderError } from 'commander';
import { EXIT } from '../errors.js';
import type { Io } from './io.js';

/** Errors that are the user's input (a name, a number, a token, a bound), said in one line, exit 2. */
const USAGE_ERRORS = new Set(['UsageError', 'VariantError', 'TokenError', 'NothingCoveredError']);

/** The exit code of an error that ended a command, after saying it in one line on stderr. */
export function exitCodeOf(err: unknown, io: Io): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
    io.err(`kvmrace: ${oneLine(err.message.replace(/^error: /, ''))}`);
    return EXIT.usage;
  }
  const e = err as Error | undefined;
  if (e && USAGE_ERRORS.has(e.name)) {
    io.err(`kvmrace: ${oneLine(e.message)}`);
    return EXIT.usage;
  }
  if (e && e.name === 'ModelError') {
    io.err(`kvmrace: model error: ${oneLine(e.message)}`);
    return EXIT.usage;
  }
  io.err(`kvmrace: internal error: ${(e?.message ?? String(err)).split('\n')[0]}`);
  return 3;
}

/** An error message as one line: commander's "(Did you mean ...?)" and the like are joined on. */
function oneLine(message: string): string {
  return message.trim().replace(/\s*\n\s*/g, ' ');
}
