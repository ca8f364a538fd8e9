import pc from 'picocolors';
import { escapeControl } from '../terminal-text.js';

/** Where a command writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal (progress is shown only then). */
  readonly interactive: boolean;
}

/** The process's stdout and stderr, a newline after each text. */
export const processIo: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
  interactive: Boolean(process.stderr.isTTY) && !process.env.CI,
};

/** `io` with every control character a model could smuggle into its text escaped (see `escapeControl`). */
export function terminalSafe(io: Io): Io {
  return {
    out: (t) => io.out(escapeControl(t, pc.isColorSupported)),
    err: (t) => io.err(escapeControl(t, pc.isColorSupported)),
    interactive: io.interactive,
  };
}
