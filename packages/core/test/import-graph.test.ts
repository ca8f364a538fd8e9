import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

// Issue 23: core's modules read one way (step and object basics, then primitives, then the world
// that builds them, then runs and explorers), and each file holds one idea, short enough to read.

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_LINES = 400;

/** The `.ts` files under `dir` of `root`, as paths relative to `root` with forward slashes, sorted. */
function tsFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `${dir}/${f.split('\\').join('/')}`)
    .sort();
}

/**
 * The import graph of `dir` under `root` as dependency-cruiser reads it from the TypeScript
 * sources, type-only imports included (they make a circle for a reader as much as any other):
 * the modules found, the imports it could not resolve, and every circle, as lists of files.
 */
async function importGraph(root: string, dir: string): Promise<{ modules: string[]; unresolved: string[]; circles: string[][] }> {
  const { output } = await cruise([dir], {
    baseDir: root,
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    // Package subpaths (`@kvmrace/memory/models`) resolve through their package.json `exports`.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types'] },
    validate: true,
    ruleSet: { forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }] },
  });
  const result = output as ICruiseResult;
  const inDir = (path: string): boolean => path.startsWith(`${dir}/`);
  const modules = result.modules.map((m) => m.source).filter(inDir).sort();
  const unresolved = result.modules.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve).map((d) => `${m.source} -> ${d.module}`));
  const circles = result.summary.violations.filter((v) => v.rule.name === 'no-circular').map((v) => [v.from, ...(v.cycle ?? []).map((c) => c.name)]);
  return { modules, unresolved, circles };
}

const scratchRoots: string[] = [];
afterAll(() => {
  for (const root of scratchRoots) rmSync(root, { recursive: true, force: true });
});

/** A throwaway package in the system's temporary folder with `files` (paths under its `src`). */
function scratchPackage(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kvmrace-import-graph-'));
  scratchRoots.push(root);
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  for (const [file, text] of Object.entries(files)) {
    const path = join(root, 'src', file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return root;
}

/** Lines of a text as `wc -l` counts them, plus a last line without its newline. */
function lineCount(text: string): number {
  if (text === '') return 0;
  const parts = text.split('\n').length;
  return text.endsWith('\n') ? parts - 1 : parts;
}

/** The files under `dir` of `root` longer than `max` lines, with their length. */
function longFiles(root: string, dir: string, max: number): string[] {
  return tsFiles(root, dir)
    .map((f) => ({ f, lines: lineCount(readFileSync(join(root, f), 'utf8')) }))
    .filter(({ lines }) => lines > max)
    .map(({ f, lines }) => `${f}: ${lines} lines`);
}

describe("core's import graph", () => {
  it('reads every source file and resolves every relative import', async () => {
    const { modules, unresolved } = await importGraph(PACKAGE_ROOT, 'src');
    expect(modules).toEqual(tsFiles(PACKAGE_ROOT, 'src'));
    expect(unresolved).toEqual([]);
  });

  it('has no circle, type-only imports included', async () => {
    const { circles } = await importGraph(PACKAGE_ROOT, 'src');
    expect(circles).toEqual([]);
  });

  it('finds a circle in a scratch package, through a type-only import, and nothing outside it', async () => {
    // The circle issue 23 found in core: the world builds a lock, a lock is an object, an object
    // names its world (a type-only import); a step names an object without being in the circle.
    const root = scratchPackage({
      'world.ts': "import { Lock } from './lock.js';\nexport class World { lock(): Lock { return new Lock(this); } }\n",
      'lock.ts': "import { SimObject } from './sim-object.js';\nexport class Lock extends SimObject {}\n",
      'sim-object.ts': "import type { World } from './world.js';\nexport class SimObject { constructor(readonly world: World) {} }\n",
      'step.ts': "import type { SimObject } from './sim-object.js';\nexport interface Step { obj: SimObject }\n",
    });
    const { modules, unresolved, circles } = await importGraph(root, 'src');
    expect(modules).toEqual(['src/lock.ts', 'src/sim-object.ts', 'src/step.ts', 'src/world.ts']);
    expect(unresolved).toEqual([]);
    expect(circles.length).toBeGreaterThan(0);
    for (const circle of circles) expect(new Set(circle)).toEqual(new Set(['src/lock.ts', 'src/sim-object.ts', 'src/world.ts']));
  });
});

describe("core's files", () => {
  it(`are at most ${MAX_LINES} lines each`, () => {
    expect(longFiles(PACKAGE_ROOT, 'src', MAX_LINES)).toEqual([]);
  });

  it(`are measured: a file of ${MAX_LINES + 1} lines is named, one of ${MAX_LINES} is not`, () => {
    const line = 'export const x = 1;\n';
    const unterminated = line.repeat(MAX_LINES).concat('export const y = 2;');
    const root = scratchPackage({ 'long.ts': line.repeat(MAX_LINES + 1), 'short.ts': line.repeat(MAX_LINES), 'nested/long.ts': unterminated });
    expect(longFiles(root, 'src', MAX_LINES)).toEqual([`src/long.ts: ${MAX_LINES + 1} lines`, `src/nested/long.ts: ${MAX_LINES + 1} lines`]);
  });
});
