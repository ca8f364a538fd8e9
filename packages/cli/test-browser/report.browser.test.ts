/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Issue #10: the HTML report and the swimlane SVG, as a real browser shows them.
 *
 * Runs the BUILT CLI (`pnpm --filter kvmrace build` first), opens `kvmrace report`'s HTML and
 * `kvmrace hunt --svg`'s picture in headless Chromium (/usr/bin/chromium via playwright-core) with
 * every request but the file itself blocked, and checks the minimal pfncache race is drawn: one
 * lane per CPU, steps in time order, lock hold bars, the breaking step marked, the broken invariant
 * named, the racing variables named where they are written. Negative controls feed the same checks
 * broken copies of the files and expect them to fail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSelfContained, assertSwimlane, checkSwimlane, kvmrace, launchChromium, openIsolated, staleBuild, type IsolatedPage, type Race } from './swimlane-checks.js';

const dir = mkdtempSync(join(tmpdir(), 'kvmrace-browser-'));
const htmlFile = join(dir, 'kvmrace-report.html');
const svgFile = join(dir, 'race.svg');
const url = (file: string): string => pathToFileURL(file).href;

let browser: Browser;
let reportRun: { code: number; out: string; err: string };
let huntRun: { code: number; out: string; err: string };
let reportRace: Race;
let huntRace: Race;
const open: IsolatedPage[] = [];

async function show(file: string): Promise<IsolatedPage> {
  const p = await openIsolated(browser, url(file));
  open.push(p);
  return p;
}

/** A copy of a file with edits applied, each of which must change it (so a control cannot pass vacuously). */
function brokenCopy(file: string, name: string, edits: [RegExp | string, string][]): string {
  let text = readFileSync(file, 'utf8');
  for (const [from, to] of edits) {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`negative control ${name}: edit ${String(from)} matched nothing`);
    text = next;
  }
  const out = join(dir, name);
  writeFileSync(out, text);
  return out;
}

beforeAll(async () => {
  const stale = staleBuild();
  if (stale) throw new Error(`${stale}: run \`pnpm --filter @kvmrace/core build && pnpm --filter kvmrace build\` first`);
  const started = launchChromium();
  [reportRun, huntRun] = await Promise.all([
    kvmrace('report', '--only', 'pfncache', '--no-ablation', '--seed', '1', '--out', dir),
    kvmrace('hunt', 'pfncache', '--variant', 'buggy', '--seed', '1', '--svg', svgFile, '--json'),
  ]);
  browser = await started;
  if (reportRun.code === 0) reportRace = JSON.parse(readFileSync(join(dir, 'kvmrace-report.json'), 'utf8')).models[0].race as Race;
  if (huntRun.code === 1) {
    const cx = JSON.parse(huntRun.out).counterexample;
    // hunt's JSON outcome has no step number: a violation is found right after the step that caused it, the last one run.
    huntRace = { ...cx, outcome: { step: cx.trace.length - 1, ...cx.outcome } } as Race;
  }
});

afterAll(async () => {
  await Promise.all(open.map((p) => p.context.close()));
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kvmrace report: the HTML page in Chromium', () => {
  it('the CLI wrote the report of the minimal pfncache race (2 CPUs)', () => {
    expect(reportRun.code, reportRun.err).toBe(0);
    expect(reportRace.scenario).toHaveLength(2);
    expect(reportRace.outcome.kind).toBe('violation');
  });

  it('is self-contained: no request but the file itself, no console error, no sideways page overflow', async () => {
    const p = await show(htmlFile);
    assertSelfContained(p);
    expect(await p.page.title()).toBe('kvmrace report');
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('draws the pfncache race: a lane per CPU, steps in order, hold bars, the breaking step, the invariant', async () => {
    const p = await show(htmlFile);
    const section = p.page.locator('section.model[data-model="pfncache"]');
    await expect(section.count()).resolves.toBe(1);
    const svg = section.locator('.swimlane[data-variant="buggy"] > svg.kvmrace-swimlane');
    await assertSwimlane(p.page, svg, reportRace, { lanes: 2, requireInvariantVariables: true });
    // At 1200 px the two-CPU picture fits its box: no sideways scrolling needed to see it.
    const box = section.locator('.swimlane[data-variant="buggy"]');
    const [scroll, client] = await box.evaluate((e) => [e.scrollWidth, e.clientWidth]);
    expect(scroll).toBeLessThanOrEqual(client!);
    // The section's own sentence names the broken invariant too, visibly.
    const said = section.locator('span.bad', { hasText: reportRace.outcome.invariant! }).first();
    await expect(said.isVisible()).resolves.toBe(true);
    assertSelfContained(p);
  });
});

describe('kvmrace hunt --svg: the standalone picture in Chromium', () => {
  it('the CLI found the race and wrote the SVG', () => {
    expect(huntRun.code, huntRun.err).toBe(1);
    expect(huntRace.scenario).toHaveLength(2);
  });

  it('is self-contained and draws the same checks as the report', async () => {
    const p = await show(svgFile);
    await assertSwimlane(p.page, p.page.locator('svg.kvmrace-swimlane'), huntRace, { lanes: 2, requireInvariantVariables: true });
    assertSelfContained(p);
  });
});

describe('negative controls: the same checks fail on broken pages', () => {
  it('a report whose breaking step is not marked fails', async () => {
    const file = brokenCopy(htmlFile, 'no-breaking.html', [
      ['class="step breaking"', 'class="step"'],
      [/<text class="mark"[^>]*>[^<]*<\/text>/, ''],
    ]);
    const p = await show(file);
    const svg = p.page.locator('section.model[data-model="pfncache"] .swimlane[data-variant="buggy"] > svg');
    await expect(assertSwimlane(p.page, svg, reportRace, { lanes: 2 })).rejects.toThrow(/breaking step: 0 steps marked breaking/);
  });

  it('a report that fetches a font and a picture is not self-contained', async () => {
    const file = brokenCopy(htmlFile, 'fetches.html', [
      ['</head>', '<link rel="stylesheet" href="https://fonts.example.com/mono.css"></head>'],
      ['<h1>', '<img src="logo.png" alt=""><h1>'],
    ]);
    const p = await show(file);
    expect([...p.blocked].sort()).toEqual([url(join(dir, 'logo.png')), 'https://fonts.example.com/mono.css']);
    expect(() => assertSelfContained(p)).toThrow(/requested https:\/\/fonts\.example\.com/);
  });

  it('a picture with a lane missing, two steps swapped and the mark hidden fails on each', async () => {
    const svgText = readFileSync(svgFile, 'utf8');
    const y = (step: number): string => svgText.match(new RegExp(`data-step="${step}">\\n<title>[^<]*</title>\\n<text [^>]*>\\d+</text>\\n<rect x="\\d+" y="(\\d+)"`))![1]!;
    const file = brokenCopy(svgFile, 'broken.svg', [
      [/<g class="lane" data-cpu="1">[\s\S]*?<\/g>/, ''],
      [new RegExp(`(data-step="3">\\n<title>[^<]*</title>\\n<text [^>]*>3</text>\\n<rect x="\\d+" y=")${y(3)}"`), `$1${Number(y(2)) - 1}"`],
      ['</svg>', '<style>.mark{display:none}</style></svg>'],
    ]);
    const p = await show(file);
    const failure = await assertSwimlane(p.page, p.page.locator('svg'), huntRace, { lanes: 2 }).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(failure).toMatch(/lanes: 1 drawn, expected 2/);
    expect(failure).toMatch(/step 3: y .* steps out of time order/);
    expect(failure).toMatch(/breaking mark: not rendered/);
  });
});

describe('every access to a racing variable is named in its step (long steps wrap, nothing is cut off)', () => {
  it('in the standalone picture', async () => {
    const p = await show(svgFile);
    expect(await checkSwimlane(p.page, p.page.locator('svg.kvmrace-swimlane'), huntRace, { lanes: 2, strictLabels: true })).toEqual([]);
  });
});
