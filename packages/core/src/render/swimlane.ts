import type { Counterexample } from '../counterexample.js';
import type { TraceEntry } from '../trace.js';
import { describeOutcome, describeStep } from './race-table.js';

/** Layout constants of the swimlane picture, in SVG user units. */
const ROW = 22;
const HEAD = 58;
const INDEX_W = 34;
const LANE_W = 430;
const BAR_W = 5;
const CHAR_W = 6.1;
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

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function clip(text: string, width: number): string {
  const max = Math.floor(width / CHAR_W);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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
  const height = rowsTop + cx.trace.length * ROW + 70 + objects.length * 16;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="kvmrace-swimlane" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="11">`);
  out.push(`<title>${esc(`${modelName} (${variantName}): ${describeOutcome(cx.outcome)}`)}</title>`);
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`);
  out.push(`<text x="8" y="18" font-size="13" font-weight="bold">${esc(`${modelName} (${variantName})`)}</text>`);
  out.push(`<text x="8" y="34" fill="#555">${esc(`${cx.threads} threads, ${cx.operations} operations, ${cx.preemptions} preemptions, ${cx.steps} steps`)}</text>`);
  for (let tid = 0; tid < threads; tid++) {
    const x = laneX(tid);
    out.push(`<g class="lane" data-cpu="${tid}">`);
    out.push(`<rect x="${x}" y="${HEAD - 14}" width="${LANE_W}" height="${cx.trace.length * ROW + 24}" fill="${tid % 2 ? '#f7f7fb' : '#fbfbf7'}" stroke="#ddd"/>`);
    out.push(`<text x="${x + 6}" y="${HEAD}" font-weight="bold">${esc(clip(`CPU${tid}: ${(cx.scenario[tid] ?? []).join(', ')}`, LANE_W - 12))}</text>`);
    out.push('</g>');
  }
  for (const b of bars) {
    const colour = PALETTE[(slot.get(b.object) ?? 0) % PALETTE.length] as string;
    const x = laneX(b.thread) - gutter + 4 + (slot.get(b.object) ?? 0) * (BAR_W + 2);
    const y = rowsTop + b.from * ROW + 4;
    const h = Math.max(ROW - 8, (b.to - b.from) * ROW + ROW - 8);
    out.push(`<rect class="hold" data-cpu="${b.thread}" data-object="${esc(b.object)}" x="${x}" y="${y}" width="${BAR_W}" height="${h}" rx="2" fill="${colour}"><title>${esc(`CPU${b.thread} holds ${b.object} (steps ${b.from + 1}-${b.to + 1})`)}</title></rect>`);
  }
  const lastFn: string[] = new Array<string>(threads).fill('');
  cx.trace.forEach((entry, row) => {
    const y = rowsTop + row * ROW;
    const x = laneX(entry.thread);
    const showFn = lastFn[entry.thread] !== entry.fn;
    lastFn[entry.thread] = entry.fn;
    const breaking = entry.index === cx.outcome.step && cx.outcome.kind !== 'ok';
    out.push(`<g class="step${breaking ? ' breaking' : ''}" data-cpu="${entry.thread}" data-step="${entry.index + 1}">`);
    out.push(`<text x="${INDEX_W - 6}" y="${y + 15}" text-anchor="end" fill="#999">${entry.index + 1}</text>`);
    out.push(`<rect x="${x + 2}" y="${y + 2}" width="${LANE_W - 4}" height="${ROW - 4}" rx="3" fill="${breaking ? '#fde2e2' : '#ffffff'}" stroke="${breaking ? '#d62728' : '#c8c8d0'}" stroke-width="${breaking ? 2 : 1}"/>`);
    out.push(`<text x="${x + 8}" y="${y + 15}">${esc(clip(describeStep(entry, showFn).trim(), LANE_W - 40))}</text>`);
    if (entry.preempted) out.push(`<text x="${x + LANE_W - 10}" y="${y + 15}" text-anchor="end" fill="#b07aa1"><title>preemption</title>⇄</text>`);
    if (breaking) out.push(`<text class="mark" x="${x + LANE_W - 24}" y="${y + 15}" text-anchor="end" fill="#d62728" font-weight="bold">✗</text>`);
    out.push('</g>');
  });
  const footY = rowsTop + cx.trace.length * ROW + 28;
  out.push(`<text class="verdict" x="8" y="${footY}" fill="#d62728" font-weight="bold">${esc(`=> ${describeOutcome(cx.outcome)}`)}</text>`);
  if (cx.finalState) out.push(`<text x="8" y="${footY + 16}" fill="#333">${esc(`state: ${cx.finalState}`)}</text>`);
  objects.forEach((o, i) => {
    const y = footY + 34 + i * 16;
    out.push(`<rect x="8" y="${y - 9}" width="10" height="10" rx="2" fill="${PALETTE[i % PALETTE.length]}"/><text x="24" y="${y}">${esc(`${o} held`)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
