/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Helpers of the browser checks (issue #10): run the built CLI, open what it wrote in a real
 * headless Chromium with every request other than the file itself blocked, and check a rendered
 * swimlane picture against the counterexample it was drawn from.
 *
 * Every check reports what it found wrong; `assertSwimlane` throws one error listing them all.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

const run = promisify(execFile);

export const CLI_DIR = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(CLI_DIR, 'dist', 'kvmrace.js');

/** Flags for the Debian chromium in this sandbox: no sandbox, no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Runs the built CLI (`node dist/kvmrace.js ...`) without colours, asynchronously (so two runs and the
 * browser's start overlap); a non-zero exit code is returned, not thrown.
 */
export async function kvmrace(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000, maxBuffer: 16 << 20 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, out: err.stdout ?? '', err: err.stderr ?? '' };
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Why the built CLI cannot be trusted to show the sources (not built, or a source newer than its build); undefined when fine. */
export function staleBuild(): string | undefined {
  const packages = [
    { name: 'kvmrace (cli)', dir: CLI_DIR, out: join(CLI_DIR, 'dist', 'kvmrace.js') },
    { name: '@kvmrace/core', dir: join(CLI_DIR, '..', 'core'), out: join(CLI_DIR, '..', 'core', 'dist', 'bundle.js') },
  ];
  for (const p of packages) {
    if (!existsSync(p.out)) return `${p.name} is not built (${p.out} missing)`;
    if (newestMtime(join(p.dir, 'src')) > statSync(p.out).mtimeMs) return `${p.name} has sources newer than its dist`;
  }
  return undefined;
}

/** The parts of a counterexample (report JSON `race`, hunt JSON `counterexample`) the checks need. */
export interface Access {
  readonly name: string;
  readonly kind: string;
  readonly mode: string;
  readonly value: string;
}
export interface Step {
  readonly index: number;
  readonly thread: number;
  readonly fn: string;
  readonly label: string;
  readonly accesses: readonly Access[];
}
export interface Race {
  readonly scenario: readonly (readonly string[])[];
  readonly trace: readonly Step[];
  readonly outcome: { readonly kind: string; readonly invariant?: string; readonly message: string; readonly step: number };
}

/** A page showing one local file, with every other request blocked and counted, and errors collected. */
export interface IsolatedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** URLs of requests other than the file itself (all blocked). */
  readonly blocked: string[];
  /** Console errors and uncaught page errors. */
  readonly errors: string[];
}

export async function openIsolated(browser: Browser, fileUrl: string, viewport = { width: 1200, height: 900 }): Promise<IsolatedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const blocked: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === fileUrl) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  await page.goto(fileUrl, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts?.ready.then(() => undefined));
  return { context, page, blocked, errors };
}

/** Throws unless the page fetched nothing but itself and logged no error. */
export function assertSelfContained(p: IsolatedPage): void {
  const problems = [...p.blocked.map((u) => `requested ${u}`), ...p.errors];
  if (problems.length) throw new Error(`page is not self-contained or has errors:\n - ${problems.join('\n - ')}`);
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const right = (b: Box): number => b.x + b.width;
const bottom = (b: Box): number => b.y + b.height;
const EPS = 0.75;

/** An element as the page shows it once scrolled into view: box in the viewport and in its picture, what is hit at its centre. */
interface Look {
  readonly view: Box;
  readonly box: Box;
  /** 'ok' when the element (or its group) is on top at its centre; else what is, 'nothing', or 'unsized'. */
  readonly hit: string;
  readonly text: string;
}

/** Records why a looked-at element is not visibly drawn inside the viewport width; true when it is. */
function seen(look: Look | null | undefined, what: string, vw: number, problems: string[]): look is Look {
  if (!look) {
    problems.push(`${what}: not drawn`);
    return false;
  }
  if (look.hit === 'unsized') {
    problems.push(`${what}: not rendered (zero size)`);
    return false;
  }
  if (look.view.x < -EPS || right(look.view) > vw + EPS) problems.push(`${what}: x ${look.view.x.toFixed(1)}..${right(look.view).toFixed(1)} outside the viewport width ${vw}`);
  if (look.hit !== 'ok') problems.push(`${what}: not on top at its centre (clipped or covered: ${look.hit} hit)`);
  return true;
}

/**
 * Cross-check through Playwright itself: scrolls the element into view and reads its
 * boundingBox(), which must exist, have a size and lie inside the viewport width.
 */
async function boundingBox(loc: Locator, what: string, vw: number, problems: string[]): Promise<Box | undefined> {
  const count = await loc.count();
  if (count !== 1) {
    problems.push(`${what}: ${count} elements, expected 1`);
    return undefined;
  }
  try {
    await loc.scrollIntoViewIfNeeded({ timeout: 2_000 });
  } catch {
    problems.push(`${what}: cannot be scrolled into view (not visible)`);
    return undefined;
  }
  const box = await loc.boundingBox();
  if (!box || box.width <= 0 || box.height <= 0) {
    problems.push(`${what}: no bounding box`);
    return undefined;
  }
  if (box.x < -EPS || right(box) > vw + EPS) problems.push(`${what}: boundingBox x ${box.x.toFixed(1)}..${right(box).toFixed(1)} outside the viewport width ${vw}`);
  return box;
}

/** Held lock objects per CPU from the trace, as the picture must draw them: cpu, object, first and last row. */
export function expectedHolds(trace: readonly Step[]): { cpu: number; object: string; from: number; to: number }[] {
  const held = new Map<string, number>(); // "cpu|object" -> first row
  const out: { cpu: number; object: string; from: number; to: number }[] = [];
  trace.forEach((entry, row) => {
    for (const a of entry.accesses) {
      if (a.kind !== 'lock' && a.kind !== 'rwlock' && a.kind !== 'srcu') continue;
      const now = new Set([...a.value.matchAll(/CPU(\d+)/g)].map((m) => Number(m[1])));
      for (const [key, from] of [...held]) {
        const [cpu, object] = key.split('|') as [string, string];
        if (object === a.name && !now.has(Number(cpu))) {
          out.push({ cpu: Number(cpu), object, from, to: row });
          held.delete(key);
        }
      }
      for (const cpu of now) if (!held.has(`${cpu}|${a.name}`)) held.set(`${cpu}|${a.name}`, row);
    }
  });
  for (const [key, from] of held) {
    const [cpu, object] = key.split('|') as [string, string];
    out.push({ cpu: Number(cpu), object, from, to: trace.length - 1 });
  }
  return out;
}

/** Variables (and counters) accessed by two CPUs or more, at least once written. */
export function racingVariables(trace: readonly Step[]): string[] {
  const cpus = new Map<string, Set<number>>();
  const written = new Set<string>();
  for (const e of trace) {
    for (const a of e.accesses) {
      if (a.kind !== 'var' && a.kind !== 'counter') continue;
      cpus.set(a.name, (cpus.get(a.name) ?? new Set()).add(e.thread));
      if (a.mode === 'write') written.add(a.name);
    }
  }
  return [...cpus].filter(([name, set]) => set.size > 1 && written.has(name)).map(([name]) => name).sort();
}

export interface SwimlaneOptions {
  /** Lanes the picture must have (one per CPU); defaults to the scenario's thread count. */
  readonly lanes?: number;
  /**
   * Also require every access to every racing variable to be named in its step's text, not only
   * the writes of the broken invariant's variables (see the known defect in the test file).
   */
  readonly strictLabels?: boolean;
  /** Fail when the outcome's message names none of the racing variables (true for pfncache's I_E1). */
  readonly requireInvariantVariables?: boolean;
}

/**
 * Everything the checks need from a rendered swimlane `<svg>`, measured in the page in one round
 * trip (the sandbox is loaded; a round trip per element made a check take seconds). Selectors are
 * the renderer's: g.lane[data-cpu], g.step[data-step][data-cpu](.breaking), text.mark,
 * rect.hold[data-cpu][data-object] with a <title>, text.verdict.
 */
function measure(root: SVGSVGElement | HTMLElement | SVGElement) {
  const tag = (h: Element): string => `${h.tagName}${h.getAttribute('class') ? `.${h.getAttribute('class')}` : ''}`;
  const look = (el: Element | null | undefined, background = false) => {
    if (!el) return null;
    el.scrollIntoView({ block: 'center', inline: 'center' });
    const r = el.getBoundingClientRect();
    const s = root.getBoundingClientRect();
    let hit = 'unsized';
    if (r.width > 0 && r.height > 0) {
      const h = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      const scope = background ? root : (el.parentElement?.closest('g') ?? el);
      hit = h === null ? 'nothing' : el.contains(h) || scope.contains(h) ? 'ok' : tag(h);
    }
    return {
      view: { x: r.left, y: r.top, width: r.width, height: r.height },
      box: { x: r.left - s.left, y: r.top - s.top, width: r.width, height: r.height },
      hit,
      text: el.textContent ?? '',
    };
  };
  const stroke = (el: Element | null): string => (el ? getComputedStyle(el).stroke : '');
  const size = root.getBoundingClientRect();
  return {
    size: { width: size.width, height: size.height },
    lanes: [...root.querySelectorAll('g.lane')].map((g) => ({
      cpu: g.getAttribute('data-cpu'),
      label: look(g.querySelector(':scope > text')),
      rect: look(g.querySelector(':scope > rect'), true),
    })),
    steps: [...root.querySelectorAll('g.step')].map((g) => {
      const ts = [...g.querySelectorAll(':scope > text')];
      // The step number first, then the step's text, then the marks at the box's right end (preemption, breaking).
      const body = ts.find((t, i) => i > 0 && t.getAttribute('text-anchor') !== 'end');
      return {
        step: g.getAttribute('data-step'),
        cpu: g.getAttribute('data-cpu'),
        breaking: g.classList.contains('breaking'),
        index: ts[0]?.textContent ?? '',
        rect: look(g.querySelector(':scope > rect')),
        stroke: stroke(g.querySelector(':scope > rect')),
        body: look(body),
        ends: ts.filter((t, i) => i > 0 && t !== body).map((t) => look(t)),
        marks: [...g.querySelectorAll(':scope > text.mark')].map((t) => look(t)),
      };
    }),
    holds: [...root.querySelectorAll('rect.hold')].map((r) => ({
      cpu: r.getAttribute('data-cpu'),
      object: r.getAttribute('data-object'),
      title: r.querySelector('title')?.textContent ?? '',
      look: look(r),
    })),
    verdicts: [...root.querySelectorAll('text.verdict')].map((t) => look(t)),
    texts: [...root.querySelectorAll('text')].map((t) => look(t)),
    outside: [...root.querySelectorAll('text, rect')]
      .filter((t) => {
        const a = t.getBoundingClientRect();
        const s = root.getBoundingClientRect();
        return a.width > 0 && (a.left < s.left - 0.75 || a.right > s.right + 0.75 || a.top < s.top - 0.75 || a.bottom > s.bottom + 0.75);
      })
      .map((t) => `${t.tagName} ${JSON.stringify((t.textContent ?? '').slice(0, 60))}`),
  };
}

/** Checks one rendered swimlane `<svg>` against its race; returns what is wrong (empty when all is right). */
export async function checkSwimlane(page: Page, svg: Locator, race: Race, options: SwimlaneOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const vw = page.viewportSize()?.width ?? 0;
  if ((await svg.count()) !== 1) return [`expected one swimlane <svg>, found ${await svg.count()}`];
  const m = await svg.evaluate(measure);

  // 1. One lane per CPU, labelled with the CPU and its operations, left to right, not overlapping.
  const threads = options.lanes ?? race.scenario.length;
  if (m.lanes.length !== threads) problems.push(`lanes: ${m.lanes.length} drawn, expected ${threads} (one per CPU)`);
  const lanes: (Box | undefined)[] = [];
  for (let cpu = 0; cpu < threads; cpu++) {
    const lane = m.lanes.find((l) => l.cpu === String(cpu));
    const ops = race.scenario[cpu] ?? [];
    const text = lane?.label?.text ?? '';
    if (!text.startsWith(`CPU${cpu}:`) || !ops.every((op) => text.includes(op))) problems.push(`lane ${cpu}: label ${JSON.stringify(text)} should name CPU${cpu} and ${ops.join(', ')}`);
    seen(lane?.label, `lane ${cpu} label`, vw, problems);
    lanes.push(seen(lane?.rect, `lane ${cpu}`, vw, problems) ? lane!.rect!.box : undefined);
    if (lane?.label && lane.rect && (lane.label.box.x < lane.rect.box.x - EPS || right(lane.label.box) > right(lane.rect.box) + EPS)) problems.push(`lane ${cpu}: label ${JSON.stringify(text)} overflows its lane (${right(lane.label.box).toFixed(1)} > ${right(lane.rect.box).toFixed(1)})`);
    const prev = lanes[cpu - 1];
    const box = lanes[cpu];
    if (prev && box && box.x < right(prev) - EPS) problems.push(`lane ${cpu} overlaps or precedes lane ${cpu - 1}`);
    await boundingBox(svg.locator(`g.lane[data-cpu="${cpu}"] > text`), `lane ${cpu} label (boundingBox)`, vw, problems);
  }

  // 2. One mark per step, in time order from the top, in its CPU's lane, its text inside its box.
  const n = race.trace.length;
  if (m.steps.length !== n) problems.push(`steps: ${m.steps.length} drawn, expected ${n}`);
  const order = m.steps.map((s) => s.step).join();
  if (order !== race.trace.map((_, i) => i + 1).join()) problems.push(`steps out of document order: ${order}`);
  const stepBoxes: (Box | undefined)[] = [];
  const texts: string[] = [];
  let prevY = -Infinity;
  for (const entry of race.trace) {
    const k = entry.index + 1;
    const drawn = m.steps.filter((s) => s.step === String(k));
    const s = drawn[0];
    texts.push(s?.body?.text ?? '');
    stepBoxes.push(s?.rect?.box);
    if (drawn.length !== 1 || !s) {
      problems.push(`step ${k}: ${drawn.length} marks, expected 1`);
      continue;
    }
    if (s.cpu !== String(entry.thread)) problems.push(`step ${k}: drawn for CPU${s.cpu}, ran on CPU${entry.thread}`);
    if (s.index !== String(k)) problems.push(`step ${k}: numbered ${JSON.stringify(s.index)}`);
    if (!seen(s.rect, `step ${k} box`, vw, problems)) continue;
    const r = s.rect.box;
    if (r.y <= prevY) problems.push(`step ${k}: y ${r.y.toFixed(1)} not below step ${k - 1} (${prevY.toFixed(1)}): steps out of time order`);
    prevY = r.y;
    const lane = lanes[entry.thread];
    if (lane && (r.x < lane.x - EPS || right(r) > right(lane) + EPS)) problems.push(`step ${k}: box x ${r.x.toFixed(1)}..${right(r).toFixed(1)} outside CPU${entry.thread}'s lane ${lane.x.toFixed(1)}..${right(lane).toFixed(1)}`);
    if (!s.body?.text.trim()) problems.push(`step ${k}: no text`);
    else if (seen(s.body, `step ${k} text`, vw, problems)) {
      const b = s.body.box;
      if (b.x < r.x - EPS || right(b) > right(r) + EPS) problems.push(`step ${k}: text ${JSON.stringify(s.body.text)} overflows its box (${right(b).toFixed(1)} > ${right(r).toFixed(1)})`);
      for (const e of s.ends) if (e && e.hit !== 'unsized' && e.box.x < right(b) - EPS) problems.push(`step ${k}: text ${JSON.stringify(s.body.text)} runs into the mark ${JSON.stringify(e.text)}`);
    }
  }

  // 3. The breaking step marked, in another colour, and the broken invariant named below.
  const breaking = m.steps.filter((s) => s.breaking);
  if (race.outcome.kind !== 'ok') {
    const k = race.outcome.step + 1;
    if (breaking.length !== 1) problems.push(`breaking step: ${breaking.length} steps marked breaking, expected 1 (step ${k})`);
    const b = breaking[0];
    if (b) {
      if (b.step !== String(k)) problems.push(`breaking step: step ${b.step} marked, the race broke at step ${k}`);
      if (b.marks.length !== 1 || !b.marks[0]?.text.trim()) problems.push(`breaking step: ${b.marks.length} marks (text.mark), expected 1`);
      else if (seen(b.marks[0], 'breaking mark', vw, problems) && b.rect) {
        const mk = b.marks[0].box;
        const r = b.rect.box;
        if (mk.x < r.x - EPS || right(mk) > right(r) + EPS || mk.y < r.y - EPS || bottom(mk) > bottom(r) + EPS) problems.push('breaking mark lies outside its step box');
        await boundingBox(svg.locator('g.step.breaking > text.mark'), 'breaking mark (boundingBox)', vw, problems);
      }
      const other = m.steps.find((s) => !s.breaking);
      if (other && other.stroke === b.stroke) problems.push(`breaking step box drawn like the others (stroke ${b.stroke})`);
    }
    const name = race.outcome.invariant ?? race.outcome.kind;
    const verdict = m.verdicts[0];
    if (m.verdicts.length !== 1 || !verdict?.text.includes(name)) problems.push(`verdict: the broken invariant ${name} is not stated (text.verdict)`);
    else if (seen(verdict, `verdict naming ${name}`, vw, problems)) await boundingBox(svg.locator('text.verdict'), 'verdict (boundingBox)', vw, problems);
  } else if (breaking.length) problems.push('a step is marked breaking in a run that did not break');

  // 4. Hold bars: every lock held, with a size, in the gutter left of its CPU's lane, over the rows it was held.
  const holds = expectedHolds(race.trace);
  if (m.holds.length !== holds.length) problems.push(`hold bars: ${m.holds.length} drawn, expected ${holds.length}`);
  for (const h of holds) {
    const what = `hold bar CPU${h.cpu} ${h.object} steps ${h.from + 1}-${h.to + 1}`;
    const d = m.holds.find((x) => x.cpu === String(h.cpu) && x.object === h.object && x.title.includes(`steps ${h.from + 1}-${h.to + 1}`));
    if (!d) {
      problems.push(`${what}: not drawn`);
      continue;
    }
    if (!seen(d.look, what, vw, problems)) continue;
    const b = d.look.box;
    const first = stepBoxes[h.from];
    const last = stepBoxes[h.to];
    if (first && last && (b.y > first.y + first.height / 2 || bottom(b) < last.y + last.height / 2)) problems.push(`${what}: spans y ${b.y.toFixed(1)}..${bottom(b).toFixed(1)}, not steps ${h.from + 1} to ${h.to + 1}`);
    const lane = lanes[h.cpu];
    const before = h.cpu > 0 ? lanes[h.cpu - 1] : undefined;
    if (lane && (right(b) > lane.x + EPS || (before && b.x < right(before) - EPS))) problems.push(`${what}: not in the gutter left of CPU${h.cpu}'s lane`);
  }
  for (const object of new Set(holds.map((h) => h.object))) {
    const legend = m.texts.filter((t) => t?.text === `${object} held`);
    if (legend.length !== 1) problems.push(`legend: ${legend.length} "${object} held", expected 1`);
    else seen(legend[0], `legend ${object}`, vw, problems);
  }

  // 5. Racing variables named where they are written, and by each CPU that touches them.
  const racing = racingVariables(race.trace);
  // The broken invariant's variables: the racing ones its message names (all racing ones when it names none).
  const named = (row: number, v: string): boolean => (texts[row] ?? '').includes(v);
  const invariantVars = racing.filter((v) => race.outcome.message.includes(v));
  if (options.requireInvariantVariables && invariantVars.length === 0) problems.push(`no racing variable (${racing.join(', ')}) named in the outcome: ${race.outcome.message}`);
  for (const v of options.strictLabels || invariantVars.length === 0 ? racing : invariantVars) {
    const byCpu = new Map<number, { row: number; mode: string }[]>();
    race.trace.forEach((e, row) => {
      for (const a of e.accesses) if (a.name === v) byCpu.set(e.thread, [...(byCpu.get(e.thread) ?? []), { row, mode: a.mode }]);
    });
    for (const [cpu, accesses] of byCpu) {
      for (const a of accesses) {
        if ((options.strictLabels || (a.mode === 'write' && invariantVars.includes(v))) && !named(a.row, v)) problems.push(`step ${a.row + 1} (CPU${cpu}) ${a.mode}s ${v} but its text does not name it: ${JSON.stringify(texts[a.row])}`);
      }
      if (!accesses.some((a) => named(a.row, v))) problems.push(`CPU${cpu} accesses ${v} but none of its steps names it`);
    }
  }

  // 6. Nothing drawn outside the picture (text wider than the renderer reckoned, say).
  for (const o of m.outside) problems.push(`drawn outside the picture: ${o}`);
  return problems;
}

/** Throws one error listing everything `checkSwimlane` found wrong. */
export async function assertSwimlane(page: Page, svg: Locator, race: Race, options: SwimlaneOptions = {}): Promise<void> {
  const problems = await checkSwimlane(page, svg, race, options);
  if (problems.length) throw new Error(`swimlane check failed (${problems.length}):\n - ${problems.join('\n - ')}`);
}
