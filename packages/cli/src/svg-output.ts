import { renderSwimlaneSvg, type Counterexample } from '@kvmrace/core';
import { UsageError } from './errors.js';
import { checkOutputFile, writeAtomically } from './write-atomically.js';

/**
 * Checks before any work that `--svg <file>` can be written: its folder exists and is writable,
 * and nothing but a regular file is in the way (not a link, a device, a folder or a fifo).
 */
export function checkSvgPath(file: string): string {
  return checkOutputFile(file, `--svg ${file}`);
}

/** Writes the swimlane picture of a counterexample to `path`, whole or not at all. */
export function writeSwimlane(path: string, modelName: string, variantName: string, cx: Counterexample): void {
  try {
    writeAtomically(path, renderSwimlaneSvg(modelName, variantName, cx));
  } catch (err) {
    throw new UsageError(`cannot write --svg ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
}
