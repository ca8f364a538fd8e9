import { USER_CODE } from './watchdog-cell.js';

/** What kind of user code (a `USER_CODE` value) and which one. */
export interface UserCode {
  readonly kind: number;
  readonly index: number;
}

/** What the parent needs to name the code a thread is in. */
export interface ModelNames {
  readonly model: string;
  readonly operations: readonly string[];
  readonly invariants: readonly string[];
}

// This thread's view (the watchdog cell is shared by several threads; this is not).
let now: UserCode = { kind: USER_CODE.none, index: 0 };
let loadedNames: ModelNames | undefined;

/** Says this thread now runs `code`; returns what it ran before, for `leaveUserCode`. */
export function enterUserCode(code: UserCode): UserCode {
  const before = now;
  now = code;
  return before;
}

/** Says this thread is back in what it ran before `enterUserCode`. */
export function leaveUserCode(before: UserCode): void {
  now = before;
}

/** The user code this thread runs now. */
export function userCodeNow(): UserCode {
  return now;
}

/** Records the names of the model this thread runs (once its file has loaded). */
export function setModelNames(names: ModelNames): void {
  loadedNames = names;
}

/** The names of the model this thread runs, or undefined while its file loads. */
export function modelNamesHere(): ModelNames | undefined {
  return loadedNames;
}

/** Names user code ("operation 'refresh'", "setup()"), or undefined for none. */
export function describeCode(code: UserCode, names: ModelNames | undefined): string | undefined {
  const { kind, index } = code;
  if (kind === USER_CODE.none) return undefined;
  if (kind === USER_CODE.loading) return 'the model file';
  if (!names) return undefined;
  if (kind === USER_CODE.operation) return `operation '${names.operations[index] ?? index}'`;
  if (kind === USER_CODE.invariant) return `invariant '${names.invariants[index] ?? index}'`;
  if (kind === USER_CODE.when) return `the 'when' of invariant '${names.invariants[index] ?? index}'`;
  if (kind === USER_CODE.setup) return 'setup()';
  if (kind === USER_CODE.allowed) return 'scenarios.allowed()';
  return 'describeState()';
}
