/** Types of herd-output.mjs, for the TypeScript tests that import it. */
export type StateRecord = Readonly<Record<string, string>>;
export interface HerdTest {
  readonly name: string;
  /** Canonical final states, sorted. */
  readonly states: string[];
  readonly flags: string[];
  readonly observation: 'Never' | 'Sometimes' | 'Always' | null;
  /** herd7's own check time, seconds. */
  readonly time: number;
}
export function findHerd(): string | null;
export function parseStateLine(line: string): Record<string, string>;
export function canonicalState(state: StateRecord): string;
export function canonicalStates(states: readonly StateRecord[]): string[];
export function parseHerdOutput(stdout: string): Map<string, HerdTest>;
export function diffStates(a: readonly string[], b: readonly string[]): { onlyA: string[]; onlyB: string[] };
