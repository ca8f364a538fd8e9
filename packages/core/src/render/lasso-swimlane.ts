import type { Lasso } from '../explore/liveness.js';
import type { TraceEntry } from '../trace.js';
import { foldRepeats } from './lasso-fold.js';
import { describeStep, plural } from './race-table.js';
import { esc, HEAD, INDEX_W, LANE_W, LINE_H, ROW, tspans, wrap } from './swimlane.js';

// The swimlane's layout (swimlane.ts), with a fixed gutter and the bands' rows added.
const GUTTER = 40;
/** Height of a band's heading row ("×N", "repeats for ever"). */
const BAND_H = 20;

/** One drawn row: a step, or the heading of a folded loop body or of the cycle. */
type Row = { kind: 'step'; entry: TraceEntry; text: string[] } | { kind: 'band'; text: string; cycle: boolean };

/**
 * A livelock as an SVG swimlane, folded like renderLassoTable: the stem, then the cycle once
 * under a "repeats for ever" band, and each loop body that repeats back to back drawn once under
 * a "×N" band, so a lasso of thousands of steps reads in a screenful.
 */
export function renderLassoSwimlaneSvg(modelName: string, variantName: string, lasso: Lasso): string {
  const threads = lasso.scenario.length;
  const laneX = (tid: number): number => INDEX_W + GUTTER + tid * (LANE_W + GUTTER);
  const width = INDEX_W + GUTTER + threads * (LANE_W + GUTTER);
  const rows: Row[] = [];
  const lastFn = new Array<string>(threads).fill('');
  const addRows = (entries: readonly TraceEntry[]): void => {
    for (const fold of foldRepeats(entries)) {
      if (fold.times > 1) rows.push({ kind: 'band', text: `\u00d7${fold.times}: ${plural(fold.body.length, 'step')}, ${fold.times} times in a row`, cycle: false });
      for (const entry of fold.body) {
        const showFn = lastFn[entry.thread] !== entry.fn;
        lastFn[entry.thread] = entry.fn;
        rows.push({ kind: 'step', entry, text: wrap(describeStep(entry, showFn).trim(), LANE_W - 20) });
      }
    }
  };
  addRows(lasso.trace.slice(0, lasso.stem.length));
  rows.push({ kind: 'band', text: `the cycle (${plural(lasso.cycle.length, 'step')}): from here it repeats for ever`, cycle: true });
  lastFn.fill('');
  addRows(lasso.trace.slice(lasso.stem.length));
  const heights = rows.map((r) => (r.kind === 'band' ? BAND_H : ROW + (r.text.length - 1) * LINE_H));
  const top: number[] = [HEAD + 10];
  heights.forEach((h, i) => top.push((top[i] as number) + h));
  const bottom = top[rows.length] as number;
  const verdict = wrap(`=> livelock: ${lasso.message}`, width - 16);
  const height = bottom + 40 + verdict.length * 16;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="kvmrace-swimlane kvmrace-lasso" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`);
  out.push(`<title>${esc(`${modelName} (${variantName}): livelock`)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="8" y="18" font-size="13" font-weight="bold">${esc(`${modelName} (${variantName})`)}</text>`);
  out.push(`<text x="8" y="34" fill="#555">${esc(`${plural(threads, 'thread')}, a stem of ${plural(lasso.stem.length, 'step')}, a cycle of ${plural(lasso.cycle.length, 'step')}`)}</text>`);
  for (let tid = 0; tid < threads; tid++) {
    const x = laneX(tid);
    const label = `CPU${tid}: ${(lasso.scenario[tid] ?? []).join(', ')}${lasso.endless.includes(tid) ? ' (for ever)' : ''}${lasso.starving.includes(tid) ? ' (starves)' : ''}`;
    out.push(`<g class="lane" data-cpu="${tid}"><rect x="${x}" y="${HEAD - 14}" width="${LANE_W}" height="${bottom - HEAD + 24}" fill="${tid % 2 ? '#f7f7fb' : '#fbfbf7'}" stroke="#ddd"/><text class="lane-label" x="${x + 6}" y="${HEAD}" font-weight="bold">${esc(label)}</text></g>`);
  }
  rows.forEach((row, i) => {
    const y = top[i] as number;
    const h = heights[i] as number;
    if (row.kind === 'band') {
      const colour = row.cycle ? '#d62728' : '#4e79a7';
      out.push(`<g class="${row.cycle ? 'cycle-start' : 'fold'}"><line x1="8" y1="${y + 4}" x2="${width - 8}" y2="${y + 4}" stroke="${colour}" stroke-dasharray="${row.cycle ? '6 3' : '2 2'}"/><text x="${INDEX_W + 6}" y="${y + 16}" fill="${colour}" font-weight="bold">${esc(row.text)}</text></g>`);
      return;
    }
    const x = laneX(row.entry.thread);
    out.push(`<g class="step" data-cpu="${row.entry.thread}" data-step="${row.entry.index + 1}">`);
    out.push(`<text x="${INDEX_W + GUTTER - 6}" y="${y + 15}" text-anchor="end" fill="#999">${row.entry.index + 1}</text>`);
    out.push(`<rect x="${x + 2}" y="${y + 2}" width="${LANE_W - 4}" height="${h - 4}" rx="3" fill="#ffffff" stroke="#c8c8d0"/>`);
    out.push(`<text class="step-text" x="${x + 8}" y="${y + 15}">${tspans(row.text, x + 8)}</text>`);
    out.push('</g>');
  });
  out.push(`<text class="cycle-end" x="${INDEX_W + 6}" y="${bottom + 12}" fill="#d62728">${esc('back to the start of the cycle')}</text>`);
  out.push(`<text class="verdict" x="8" y="${bottom + 32}" fill="#d62728" font-weight="bold">${tspans(verdict, 8)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}
