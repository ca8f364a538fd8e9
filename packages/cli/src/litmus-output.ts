import type { Counterexample } from '@kvmrace/core';
import { UsageError } from './errors.js';
import { checkOutputFile, writeAtomically } from './write-atomically.js';

/** Checks before any work that `--litmus <file>` can be written (as `--svg` is checked). */
export function checkLitmusPath(file: string): string {
  return checkOutputFile(file, `--litmus ${file}`);
}

/**
 * Writes a counterexample found under weak memory as a C litmus test that herd7 can run (see
 * core's `runToLitmus`); a race found under sc has no weak edge to put in one, which is said.
 */
export function writeLitmus(path: string, cx: Counterexample): string {
  if (!cx.weak) throw new UsageError(`--litmus ${path}: this race was found under sc; a litmus test is written for races found with --memory tso or lkmm`);
  try {
    writeAtomically(path, cx.weak.litmus);
  } catch (err) {
    throw new UsageError(`cannot write --litmus ${path}: ${(err as Error).message.split('\n')[0]}`);
  }
  return path;
}
