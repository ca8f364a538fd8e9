// Reading the tables of a model README, so that tests can hold a README to what the engine computes.

/**
 * The body rows of the first Markdown table whose header row contains `header`, as cells
 * (trimmed, backticks and bold markers removed). Empty when there is no such table.
 */
export function markdownTable(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim().replace(/`|\*\*/g, ''));
  const start = lines.findIndex((l, i) => l.trim().startsWith('|') && l.includes(header) && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1] ?? ''));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && (lines[i] ?? '').trim().startsWith('|'); i++) rows.push(cells(lines[i] as string));
  return rows;
}
