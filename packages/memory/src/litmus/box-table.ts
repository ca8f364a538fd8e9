// A table drawn with box characters, one line per row and a rule between rows, as cli-table3 draws
// it by default (one space of padding each side of a cell). Written here because cli-table3 costs
// more than the rest of `kvmrace litmus` over a directory: ~90 ms to load it and ~1 ms a row to
// measure each cell's width (ANSI stripping, East Asian widths) for cells that are plain ASCII.

/** The rows (the first one the head) as a box table; every row has as many cells as the head. */
export function boxTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)) + 2);
  const rule = (left: string, mid: string, right: string): string => `${left}${widths.map((w) => '─'.repeat(w)).join(mid)}${right}`;
  const line = (row: readonly string[]): string => `│${row.map((cell, c) => ` ${cell.padEnd(widths[c]! - 1)}`).join('│')}│`;
  const lines = [rule('┌', '┬', '┐')];
  rows.forEach((row, i) => {
    if (i > 0) lines.push(rule('├', '┼', '┤'));
    lines.push(line(row));
  });
  lines.push(rule('└', '┴', '┘'));
  return lines.join('\n');
}
