/**
 * A litmus test that cannot be read or run: a syntax error, an unknown primitive, a loop (litmus
 * tests have none, so any loop is refused as unbounded), a name that is not declared. Its message
 * is one line, `file:line:col: what`, so that a command can print it as it is.
 */
export class LitmusError extends Error {
  /** The file name given to {@link parseLitmus} (or `<litmus>`). */
  readonly file: string;
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column of the offending token. */
  readonly col: number;
  /** What is wrong, without the position. */
  readonly reason: string;

  constructor(file: string, line: number, col: number, reason: string) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = 'LitmusError';
    this.file = file;
    this.line = line;
    this.col = col;
    this.reason = reason;
  }
}

/** A place in the source, 1-based. */
export interface SourcePos {
  readonly line: number;
  readonly col: number;
}
