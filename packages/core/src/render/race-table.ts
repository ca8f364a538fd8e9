import type { Counterexample } from '../counterexample.js';
import type { Lasso } from '../explore/liveness.js';
import { foldRepeats } from './lasso-fold.js';
import type { Outcome } from '../outcome.js';
import { formatScenario } from '../scenario.js';
import type { TraceEntry } from '../trace.js';
import { wrapText } from './wrap.js';

/** How a race table is laid out. */
export interface RaceTableOptions {
  /**
   * Most characters a line may have (default 100): cells wrap within their column, and nothing is
   * ever cut. Only a table with more CPUs than fit at the narrowest column (12) is wider.
   */
  readonly width?: number;
  /**
   * `table` (default): a step-numbered column per CPU. `commit`: the style of the kernel's race
   * descriptions, ready to paste into a commit message: `CPU 0` / `CPU 1` headers, each function
   * on a line of its own with its actions under it, the columns ordered by time.
   */
  readonly format?: 'table' | 'commit';
}

/** Narrowest a CPU column gets before the table is let grow past the width. */
const MIN_COLUMN = 12;
const GAP = '  ';

/** One line for an outcome: `violation of I_E1 after step 10: ...`. */
export function describeOutcome(outcome: Outcome): string {
  const at = outcome.step >= 0 ? ` after step ${outcome.step + 1}` : ' before any step';
  switch (outcome.kind) {
    case 'ok':
      return 'ok: every thread finished and every invariant holds';
    case 'violation':
      return `violation of ${outcome.invariant ?? '?'}${at}: ${outcome.message}`;
    default:
      return `${outcome.kind}${at}${outcome.thread !== undefined ? ` on CPU${outcome.thread}` : ''}: ${outcome.message}`;
  }
}

/** The values a step left in the variables and counters it touched: `[x=1, y=0]`, or ''. */
function stepValues(entry: TraceEntry): string {
  const values = entry.accesses.filter((a) => a.kind === 'var' || a.kind === 'counter').map((a) => `${a.name}=${a.value}`);
  return values.length ? `[${values.join(', ')}]` : '';
}

/** The text of one step in its CPU's column: the kernel function when it changes, then the action and the values it left. */
export function describeStep(entry: TraceEntry, showFunction: boolean): string {
  const values = stepValues(entry);
  const action = values ? `${entry.label}  ${values}` : entry.label;
  return showFunction ? `${entry.fn}: ${action}` : `  ${action}`;
}

/** `n thing` or `n things`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The race as a table with one column per CPU, rows in time order, like the race tables in KVM
 * commit messages, ending with what broke and the state that shows it. Every line fits `width`.
 */
export function renderRaceTable(modelName: string, variantName: string, cx: Counterexample, options: RaceTableOptions = {}): string {
  const width = Math.max(40, options.width ?? 100);
  const body = options.format === 'commit' ? commitColumns(cx, width) : numberedColumns(cx, width);
  const lines = [
    ...wrapText(`${modelName} (${variantName}): ${formatScenario(cx.scenario)}`, width, 2),
    `${plural(cx.threads, 'thread')}, ${plural(cx.operations, 'operation')}, ${plural(cx.preemptions, 'preemption')}, ${plural(cx.steps, 'step')}`,
    '',
    ...body,
    '',
    ...wrapText(`=> ${describeOutcome(cx.outcome)}`, width, 3),
  ];
  if (cx.finalState) lines.push(...wrapText(`   state: ${cx.finalState}`, width, 10));
  return lines.join('\n');
}

/** One cell: its lines, already wrapped to the column. */
type Cell = readonly string[];

/** The step's cell: the action (the function first when it changes), its values on their own line when they do not fit beside it, the mark of the breaking step. */
function stepCell(entry: TraceEntry, showFn: boolean, mark: string, column: number): Cell {
  const head = showFn ? `${entry.fn}: ` : '  ';
  const values = stepValues(entry);
  const action = `${head}${entry.label}${mark}`;
  const one = values ? `${head}${entry.label}  ${values}${mark}` : action;
  if (one.length <= column) return [one];
  const lines = wrapText(values ? `${head}${entry.label}` : action, column, showFn ? 4 : 4);
  if (values) lines.push(...wrapText(`    ${values}${mark}`, column, 5));
  return lines;
}

/** The layout of the columns: the width of each CPU column for `count` columns after a first of `first`. */
function columnWidth(width: number, first: number, count: number): number {
  const room = width - first - GAP.length * count;
  return Math.max(MIN_COLUMN, Math.floor(room / count));
}

/** Joins cells side by side, each padded to its column, lines right-trimmed. */
function joinRow(cells: readonly Cell[], widths: readonly number[]): string[] {
  const height = Math.max(...cells.map((c) => c.length));
  const out: string[] = [];
  for (let i = 0; i < height; i++) {
    out.push(cells.map((c, k) => (c[i] ?? '').padEnd(widths[k] as number)).join(GAP).trimEnd());
  }
  return out;
}

/** `#  CPU0: ops  CPU1: ops`, then one numbered row per step. */
function numberedColumns(cx: Counterexample, width: number): string[] {
  const threads = cx.scenario.length;
  const first = Math.max(1, String(cx.trace.length).length);
  const column = columnWidth(width, first, threads);
  const widths = [first, ...new Array<number>(threads).fill(column)];
  const lines = joinRow(['#', ...cx.scenario.map((ops, tid) => wrapText(`CPU${tid}: ${ops.join(', ')}`, column, 6))].map((c) => (typeof c === 'string' ? [c] : c)), widths);
  const lastFn = new Array<string>(threads).fill('');
  for (const entry of cx.trace) {
    const showFn = lastFn[entry.thread] !== entry.fn;
    lastFn[entry.thread] = entry.fn;
    const cells: Cell[] = new Array<Cell>(threads + 1).fill([]);
    cells[0] = [String(entry.index + 1)];
    cells[entry.thread + 1] = stepCell(entry, showFn, breakMark(cx, entry), column);
    lines.push(...joinRow(cells, widths));
  }
  return lines;
}

/** `CPU 0` / `CPU 1` columns without step numbers, each function a line with its actions under it. */
function commitColumns(cx: Counterexample, width: number): string[] {
  const threads = cx.scenario.length;
  const column = columnWidth(width + GAP.length, 0, threads);
  const widths = new Array<number>(threads).fill(column);
  const header = cx.scenario.map((_, tid) => [`CPU ${tid}`]);
  const lines = [...joinRow(header, widths), ...joinRow(cx.scenario.map((_, tid) => ['-'.repeat(`CPU ${tid}`.length)]), widths)];
  const lastFn = new Array<string>(threads).fill('');
  for (const entry of cx.trace) {
    const cell: string[] = [];
    if (lastFn[entry.thread] !== entry.fn) cell.push(...wrapText(entry.fn.endsWith(')') ? entry.fn : `${entry.fn}()`, column, 2));
    lastFn[entry.thread] = entry.fn;
    cell.push(...stepCell(entry, false, breakMark(cx, entry), column));
    const cells: Cell[] = new Array<Cell>(threads).fill([]);
    cells[entry.thread] = cell;
    lines.push(...joinRow(cells, widths));
  }
  return lines;
}

/** `  <== I_E1 broken` on the step where the run failed. */
function breakMark(cx: Counterexample, entry: TraceEntry): string {
  if (entry.index !== cx.outcome.step) return '';
  const kind = cx.outcome.kind;
  return `  <== ${kind === 'violation' ? `${cx.outcome.invariant} broken` : kind === 'bound-reached' ? 'bound reached, not decided' : kind}`;
}

/**
 * A livelock as a race table: the stem, then the cycle once under a "repeats for ever" rule, each
 * loop body that repeats back to back shown once with its count (`×N`), so it reads in a few dozen
 * lines however many times the loops turn.
 */
export function renderLassoTable(modelName: string, variantName: string, lasso: Lasso, options: Pick<RaceTableOptions, 'width'> = {}): string {
  const width = Math.max(40, options.width ?? 100);
  const threads = lasso.scenario.length;
  const first = Math.max(1, String(lasso.trace.length).length);
  const column = columnWidth(width, first, threads);
  const widths = [first, ...new Array<number>(threads).fill(column)];
  const heading = (ops: readonly string[], tid: number) => wrapText(`CPU${tid}: ${ops.join(', ')}${lasso.endless.includes(tid) ? ' (for ever)' : ''}`, column, 6);
  const lines = [
    ...wrapText(`${modelName} (${variantName}): ${formatScenario(lasso.scenario)}`, width, 2),
    `${plural(threads, 'thread')}, a stem of ${plural(lasso.stem.length, 'step')}, a cycle of ${plural(lasso.cycle.length, 'step')}`,
    '',
    ...joinRow([['#'], ...lasso.scenario.map(heading)], widths),
  ];
  const lastFn = new Array<string>(threads).fill('');
  const rows = (entries: readonly TraceEntry[]) => {
    for (const fold of foldRepeats(entries)) {
      if (fold.times > 1) lines.push(`${' '.repeat(first)}${GAP}\u00d7${fold.times} {  (${plural(fold.body.length, 'step')}, ${fold.times} times in a row)`);
      for (const entry of fold.body) {
        const showFn = lastFn[entry.thread] !== entry.fn;
        lastFn[entry.thread] = entry.fn;
        const cells: Cell[] = new Array<Cell>(threads + 1).fill([]);
        cells[0] = [String(entry.index + 1)];
        cells[entry.thread + 1] = stepCell(entry, showFn, '', column);
        lines.push(...joinRow(cells, widths));
      }
      if (fold.times > 1) lines.push(`${' '.repeat(first)}${GAP}}`);
    }
  };
  rows(lasso.trace.slice(0, lasso.stem.length));
  lines.push(`${'-'.repeat(first)}${GAP}the cycle: from here it repeats for ever`);
  lastFn.fill('');
  rows(lasso.trace.slice(lasso.stem.length));
  lines.push(`${'-'.repeat(first)}${GAP}back to the start of the cycle`, '', ...wrapText(`=> livelock: ${lasso.message}`, width, 3));
  return lines.join('\n');
}
