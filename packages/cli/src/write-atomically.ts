import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** Writes a file whole or not at all: to a temporary name first, then renamed over the target. */
export function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
