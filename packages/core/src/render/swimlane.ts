import type { Counterexample } from '../counterexample.js';
import type { TraceEntry } from '../trace.js';
import { describeOutcome, describeStep } from './race-table.js';

/** Layout constants of the swimlane picture, in SVG user units. */
export const ROW = 22;
export const HEAD = 58;
export const INDEX_W = 34;
export const LANE_W = 430;
const BAR_W = 5;
/** Width of one character of an 11-unit monospace font (DejaVu Sans Mono and Menlo measure 6.62). */
const CHAR_W = 6.7;
/** Extra height of each wrapped line of a step. */
export const LINE_H = 13;
/** Room kept clear at the right end of a step for its marks (⇄, ✗). */
const MARK_ROOM = 50;
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#e15759'];

/** One held lock or SRCU read section of one CPU, over a range of rows. */
interface HoldBar {
  readonly thread: number;
  readonly object: string;
  readonly from: number;
  readonly to: number;
}

/** Threads that hold an object after a step, read from the object's traced value. */
function holdersOf(kind: string, value: string): number[] {
  if (kind !== 'lock' && kind !== 'rwlock' && kind !== 'srcu') return [];
  return [...value.matchAll(/CPU(\d+)/g)].map((m) => Number(m[1]));
}

/** The hold bars of a trace: per CPU and lock (or SRCU read section), the rows during which it was held. */
export function holdBars(trace: readonly TraceEntry[]): HoldBar[] {
  const holders = new Map<string, number[]>();
  const open = new Map<string, number>(); // "tid|object" -> first row
  const bars: HoldBar[] = [];
  const close = (key: string, row: number): void => {
    const from = open.get(key);
    if (from === undefined) return;
    const [tid, object] = key.split('|') as [string, string];
    bars.push({ thread: Number(tid), object, from, to: row });
    open.delete(key);
  };
  trace.forEach((entry, row) => {
    for (const a of entry.accesses) {
      if (a.kind !== 'lock' && a.kind !== 'rwlock' && a.kind !== 'srcu') continue;
      const now = holdersOf(a.kind, a.value);
      const before = holders.get(a.name) ?? [];
      for (const tid of before) if (!now.includes(tid)) close(`${tid}|${a.name}`, row);
      for (const tid of now) if (!before.includes(tid)) open.set(`${tid}|${a.name}`, row);
      holders.set(a.name, now);
    }
  });
  for (const key of [...open.keys()]) close(key, trace.length - 1);
  return bars.sort((a, b) => a.thread - b.thread || a.from - b.from || a.object.localeCompare(b.object));
}

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function clip(text: string, width: number): string {
  const max = Math.floor(width / CHAR_W);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The text broken into lines that fit `width`, at spaces where it can (so no access is cut off). */
export function wrap(text: string, width: number): string[] {
  const max = Math.max(8, Math.floor(width / CHAR_W));
  const lines: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const space = rest.lastIndexOf(' ', max);
    const cut = space > max / 3 ? space : max;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

/** Several lines as `<tspan>`s under one `<text>`, the first at `y`. */
export function tspans(lines: readonly string[], x: number): string {
  return lines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : LINE_H}">${esc(l)}</tspan>`).join('');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * The race as an SVG swimlane picture: one lane per CPU, steps in time order from the top, locks
 * and SRCU read sections held drawn as bars beside the lane, each step's action and the values it
 * left written in its lane, the breaking step marked in red and the broken invariant stated below.
 * Self-contained: no scripts, no fonts or styles fetched from anywhere.
 */
export function renderSwimlaneSvg(modelName: string, variantName: string, cx: Counterexample): string {
  const threads = cx.scenario.length;
  const bars = holdBars(cx.trace);
  const objects = [...new Set(bars.map((b) => b.object))].sort();
  const slot = new Map(objects.map((o, i) => [o, i]));
  const gutter = Math.max(1, objects.length) * (BAR_W + 2) + 6;
  const laneX = (tid: number): number => INDEX_W + tid * (LANE_W + gutter) + gutter;
  const width = INDEX_W + threads * (LANE_W + gutter) + 10;
  const rowsTop = HEAD + 10;
  // Each step's text, wrapped to its lane; a row is as tall as its lines.
  const texts = cx.trace.map((entry, i) => {
    const showFn = i === 0 || cx.trace.slice(0, i).filter((e) => e.thread === entry.thread).pop()?.fn !== entry.fn;
    return describeStep(entry, showFn).trim();
  });
  const lines = texts.map((t) => wrap(t, LANE_W - MARK_ROOM));
  const rowTop: number[] = [rowsTop];
  lines.forEach((l, i) => rowTop.push((rowTop[i] as number) + ROW + (l.length - 1) * LINE_H));
  const rowsBottom = rowTop[cx.trace.length] as number;
  const verdict = wrap(`=> ${describeOutcome(cx.outcome)}`, width - 16);
  const state = cx.finalState ? wrap(`state: ${cx.finalState}`, width - 16) : [];
  const hasStale = cx.trace.some((e) => (e.staleReads?.length ?? 0) > 0);
  const height = rowsBottom + 40 + (verdict.length + state.length) * 16 + (objects.length + (hasStale ? 1 : 0)) * 16;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="kvmrace-swimlane" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`);
  out.push(`<title>${esc(`${modelName} (${variantName}): ${describeOutcome(cx.outcome)}`)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="8" y="18" font-size="13" font-weight="bold">${esc(`${modelName} (${variantName})`)}</text>`);
  out.push(`<text x="8" y="34" fill="#555">${esc(`${plural(cx.threads, 'thread')}, ${plural(cx.operations, 'operation')}, ${plural(cx.preemptions, 'preemption')}, ${plural(cx.steps, 'step')}`)}</text>`);
  for (let tid = 0; tid < threads; tid++) {
    const x = laneX(tid);
    out.push(`<g class="lane" data-cpu="${tid}">`);
    out.push(`<rect x="${x}" y="${HEAD - 14}" width="${LANE_W}" height="${rowsBottom - rowsTop + 24}" fill="${tid % 2 ? '#f7f7fb' : '#fbfbf7'}" stroke="#ddd"/>`);
    out.push(`<text class="lane-label" x="${x + 6}" y="${HEAD}" font-weight="bold"><title>${esc(`CPU${tid}: ${(cx.scenario[tid] ?? []).join(', ')}`)}</title>${esc(clip(`CPU${tid}: ${(cx.scenario[tid] ?? []).join(', ')}`, LANE_W - 12))}</text>`);
    out.push('</g>');
  }
  for (const b of bars) {
    const colour = PALETTE[(slot.get(b.object) ?? 0) % PALETTE.length] as string;
    // Slot 0 right next to its own lane, further slots outwards.
    const x = laneX(b.thread) - 3 - BAR_W - (slot.get(b.object) ?? 0) * (BAR_W + 2);
    const y = (rowTop[b.from] as number) + 4;
    const h = Math.max(ROW - 8, (rowTop[b.to + 1] as number) - (rowTop[b.from] as number) - 8);
    out.push(`<rect class="hold" data-cpu="${b.thread}" data-object="${esc(b.object)}" x="${x}" y="${y}" width="${BAR_W}" height="${h}" rx="2" fill="${colour}"><title>${esc(`CPU${b.thread} holds ${b.object} (steps ${b.from + 1}-${b.to + 1})`)}</title></rect>`);
  }
  cx.trace.forEach((entry, row) => {
    const y = rowTop[row] as number;
    const h = (rowTop[row + 1] as number) - y;
    const x = laneX(entry.thread);
    const breaking = entry.index === cx.outcome.step && cx.outcome.kind !== 'ok';
    out.push(`<g class="step${breaking ? ' breaking' : ''}" data-cpu="${entry.thread}" data-step="${entry.index + 1}">`);
    out.push(`<title>${esc(`${entry.index + 1}. CPU${entry.thread}: ${texts[row] ?? ''}`)}</title>`);
    out.push(`<text x="${INDEX_W - 6}" y="${y + 15}" text-anchor="end" fill="#999">${entry.index + 1}</text>`);
    out.push(`<rect x="${x + 2}" y="${y + 2}" width="${LANE_W - 4}" height="${h - 4}" rx="3" fill="${breaking ? '#fde2e2' : '#ffffff'}" stroke="${breaking ? '#d62728' : '#c8c8d0'}" stroke-width="${breaking ? 2 : 1}"/>`);
    out.push(`<text class="step-text" x="${x + 8}" y="${y + 15}">${tspans(lines[row] ?? [], x + 8)}</text>`);
    if (entry.preempted) out.push(`<text class="preempt" x="${x + LANE_W - 10}" y="${y + 15}" text-anchor="end" fill="#b07aa1"><title>preemption</title>⇄</text>`);
    if (breaking) out.push(`<text class="mark" x="${x + LANE_W - 24}" y="${y + 15}" text-anchor="end" fill="#d62728" font-weight="bold">✗</text>`);
    out.push('</g>');
  });
  // Under weak memory: each stale read as a dashed arrow from the write it read (or from the top of
  // that lane, for an initial value) to the reading step.
  const rowOfStep = new Map(cx.trace.map((e, row) => [e.index, row]));
  let staleCount = 0;
  cx.trace.forEach((entry, row) => {
    for (const r of entry.staleReads ?? []) {
      staleCount++;
      const toY = (rowTop[row] as number) + ROW / 2;
      const fromRow = rowOfStep.get(r.fromStep);
      const fromTid = r.fromThread >= 0 ? r.fromThread : entry.thread;
      const fromY = fromRow !== undefined ? (rowTop[fromRow] as number) + ROW / 2 : HEAD + 4;
      const sameLane = fromTid === entry.thread;
      const fromX = sameLane ? laneX(fromTid) + LANE_W - 6 : laneX(fromTid) + (fromTid < entry.thread ? LANE_W - 6 : 6);
      const toX = sameLane ? laneX(entry.thread) + LANE_W - 6 : laneX(entry.thread) + (fromTid < entry.thread ? 6 : LANE_W - 6);
      const bend = sameLane ? fromX + 24 : (fromX + toX) / 2;
      const source = r.fromStep >= 0 ? `CPU${r.fromThread}'s write at step ${r.fromStep + 1}` : 'the initial value';
      const unseen = r.unseen.map((s) => (s >= 0 ? `step ${s + 1}` : 'the initial value')).join(', ');
      out.push(`<path class="stale-read" data-step="${entry.index + 1}" data-from-step="${r.fromStep + 1}" d="M ${fromX} ${fromY} C ${bend} ${fromY}, ${bend} ${toY}, ${toX} ${toY}" fill="none" stroke="#e8743b" stroke-width="1.5" stroke-dasharray="5 3" marker-end="url(#kvmrace-arrow)"><title>${esc(`step ${entry.index + 1}: CPU${entry.thread} reads ${r.object} = ${r.value} from ${source}, not yet seeing ${unseen}`)}</title></path>`);
    }
  });
  if (staleCount > 0) {
    out.splice(3, 0, '<defs><marker id="kvmrace-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#e8743b"/></marker></defs>');
  }
  const footY = rowsBottom + 28;
  out.push(`<text class="verdict" x="8" y="${footY}" fill="#d62728" font-weight="bold">${tspans(verdict, 8)}</text>`);
  const stateY = footY + verdict.length * 16;
  if (state.length) out.push(`<text class="final-state" x="8" y="${stateY}" fill="#333">${tspans(state, 8)}</text>`);
  const legendY = stateY + state.length * 16 + 18;
  objects.forEach((o, i) => {
    const y = legendY + i * 16;
    out.push(`<g class="legend"><rect x="8" y="${y - 9}" width="10" height="10" rx="2" fill="${PALETTE[i % PALETTE.length]}"/><text x="24" y="${y}">${esc(`${o} held`)}</text></g>`);
  });
  if (staleCount > 0) {
    const y = legendY + objects.length * 16;
    out.push(`<g class="legend"><path d="M 8 ${y - 4} L 20 ${y - 4}" stroke="#e8743b" stroke-width="1.5" stroke-dasharray="5 3"/><text x="24" y="${y}">a read of a write that is not the latest (reads-from, weak memory)</text></g>`);
  }
  out.push('</svg>');
  return out.join('\n');
}
