/** Bad input from the user: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of every command. */
export const EXIT = { ok: 0, found: 1, usage: 2 } as const;
