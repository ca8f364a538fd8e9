import { renderSwimlaneSvg, type Counterexample } from '@kvmrace/core';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { writeAtomically } from './write-atomically.js';

/** Checks before any work that `--svg <file>` can be written (its folder exists, it is not a folder). */
export function checkSvgPath(file: string): string {
  const path = resolve(file);
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`cannot write --svg ${file}: folder ${dir} does not exist`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`cannot write --svg ${file}: it is a folder`);
  return path;
}

/** Writes the swimlane picture of a counterexample to `path`, whole or not at all. */
export function writeSwimlane(path: string, modelName: string, variantName: string, cx: Counterexample): void {
  try {
    writeAtomically(path, renderSwimlaneSvg(modelName, variantName, cx));
  } catch (err) {
    throw new UsageError(`cannot write --svg ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}
