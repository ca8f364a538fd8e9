import { boxTable } from './box-table.js';
import { propositionCounts, type LitmusResult, type Observation } from './result.js';

/** One row of a summary: a test's result and what its header expected. */
export interface SummaryRow {
  readonly file: string;
  readonly result: LitmusResult;
  readonly expected?: Observation;
  readonly ms?: number;
}

/** A table of several tests' results: one line each, expected results checked. */
export function formatSummaryTable(rows: readonly SummaryRow[]): string {
  const table: string[][] = [['test', 'memory', 'observation', 'expected', 'states', 'holds/fails', 'executions', 'flags']];
  for (const { result, expected } of rows) {
    const { holds, fails } = propositionCounts(result);
    const verdict = expected === undefined ? '-' : expected === result.observation ? `${expected} ok` : `${expected} DIFFERS`;
    table.push([
      result.name,
      result.memory,
      result.observation,
      verdict,
      String(result.states.length),
      `${holds}/${fails}`,
      `${result.executions.consistent}/${result.executions.explored}`,
      result.flags.join(' ') || '-',
    ]);
  }
  const differing = rows.filter((r) => r.expected !== undefined && r.expected !== r.result.observation).length;
  const checked = rows.filter((r) => r.expected !== undefined).length;
  return `${boxTable(table)}\n${rows.length} tests, ${checked} with an expected result, ${differing} differ\n`;
}
