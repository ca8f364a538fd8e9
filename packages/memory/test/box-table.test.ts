import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import { boxTable } from '../src/litmus/box-table.js';

// The summary table is drawn without cli-table3 (it is slow to load); it must draw what cli-table3 does.
function cliTable3(rows: string[][]): string {
  const table = new Table({ head: rows[0]!, style: { head: [], border: [] } });
  for (const row of rows.slice(1)) table.push(row);
  return table.toString();
}

describe('boxTable', () => {
  it('draws what cli-table3 draws, for tables of every size', () => {
    const words = ['SB+once', '-', 'Never ok', '3/4', 'data-race', 'IRIW+acquire+acquire', '', 'x'];
    for (let rowsCount = 1; rowsCount <= 4; rowsCount++) {
      for (let cols = 1; cols <= 3; cols++) {
        const rows = Array.from({ length: rowsCount }, (_, r) => Array.from({ length: cols }, (_, c) => words[(r * 3 + c * 5) % words.length]!));
        expect(boxTable(rows)).toBe(cliTable3(rows));
      }
    }
  });
});
