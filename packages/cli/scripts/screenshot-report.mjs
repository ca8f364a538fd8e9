#!/usr/bin/env node
/**
 * Regenerates the screenshots kept under docs/ (issue #10):
 *   docs/report-screenshot.png   the HTML report's top and its first model section's race (pfncache)
 *   docs/swimlane-pfncache.png   the standalone swimlane SVG of `kvmrace hunt pfncache --variant buggy --svg`
 *
 * Runs the BUILT CLI (`pnpm --filter kvmrace build` first), opens what it wrote in headless
 * Chromium (/usr/bin/chromium, or $CHROMIUM) with every request but the file itself blocked, and
 * fails if anything was requested or an error was logged. Usage: node scripts/screenshot-report.mjs
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
const cliDir = fileURLToPath(new URL('..', import.meta.url));
const bin = join(cliDir, 'dist', 'kvmrace.js');
const docs = join(cliDir, '..', '..', 'docs');
const WIDTH = 1200;

async function kvmrace(...args) {
  try {
    await run(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 << 20 });
    return 0;
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return e.code;
  }
}

/** Opens a local file with every other request blocked; returns the page and what went wrong. */
async function open(browser, file) {
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 }, deviceScaleFactor: 1 });
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    problems.push(`requested ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return { page, problems };
}

if (!existsSync(bin)) {
  console.error(`${bin} missing: run pnpm --filter kvmrace build first`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'kvmrace-shots-'));
const svgFile = join(dir, 'race.svg');
const browser = chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const [reportCode, huntCode] = await Promise.all([
    kvmrace('report', '--only', 'pfncache', '--no-ablation', '--seed', '1', '--out', dir),
    kvmrace('hunt', 'pfncache', '--variant', 'buggy', '--seed', '1', '--svg', svgFile),
  ]);
  if (reportCode !== 0) throw new Error(`kvmrace report exited ${reportCode}`);
  if (huntCode !== 1) throw new Error(`kvmrace hunt exited ${huntCode} (1 = race found expected)`);
  const b = await browser;

  // The report: from the top of the page through the first model section's race (its swimlane
  // and the folded race table); the verification and ablation text below is left out to keep it small.
  const report = await open(b, join(dir, 'kvmrace-report.html'));
  const race = report.page.locator('section.model').first().locator('details').first();
  const box = await race.boundingBox();
  if (!box) throw new Error('the report has no model section with a race');
  const reportPng = join(docs, 'report-screenshot.png');
  await report.page.screenshot({ path: reportPng, fullPage: true, clip: { x: 0, y: 0, width: WIDTH, height: Math.ceil(box.y + box.height + 16) } });

  // The standalone swimlane picture, cropped to the picture.
  const svg = await open(b, svgFile);
  const swimlanePng = join(docs, 'swimlane-pfncache.png');
  await svg.page.locator('svg').screenshot({ path: swimlanePng });

  for (const [name, p] of [['report', report], ['swimlane', svg]]) {
    for (const problem of p.problems) {
      console.error(`${name}: ${problem}`);
      failed = true;
    }
  }
  for (const png of [reportPng, swimlanePng]) console.log(`${png}  ${Math.round(statSync(png).size / 1024)} KiB`);
} finally {
  await (await browser).close();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
