import { closeSync, copyFileSync, existsSync, linkSync, lstatSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** What is in the way of an output file, in words ("a symbolic link"), or undefined for a regular file. */
function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a named pipe (fifo)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The `lstat` of `path`, or undefined when nothing is there. */
function lstatOrNone(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    // Nothing there (ENOTDIR: its folder is a file, which `folderProblem` says).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

/** Why `path` may not be replaced by an output file, or undefined when it is absent or a regular file. */
export function outputFileProblem(path: string): string | undefined {
  let stats: Stats | undefined;
  try {
    stats = lstatOrNone(path);
  } catch (err) {
    return `it cannot be examined (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  const what = stats ? notRegular(stats) : undefined;
  // Output files are replaced by renaming: a link, device or folder there would be replaced (or written through), not written.
  return what === undefined ? undefined : `it is ${what}; kvmrace replaces output files whole, so give the path of a regular file or of a new one`;
}

/** Why files cannot be created in folder `dir`, or undefined when they can (tried by creating and removing one). */
export function folderProblem(dir: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return e.code === 'ENOENT' ? `folder ${dir} does not exist` : e.code === 'ENOTDIR' ? `${dir} is not a folder` : `folder ${dir} cannot be reached (${e.code ?? 'error'})`;
  }
  if (!stats.isDirectory()) return `${dir} is not a folder`;
  const probe = resolve(dir, `.kvmrace-probe-${process.pid}-${basename(dir)}.tmp`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `folder ${dir} is not writable (${e.code ?? (e.message.split('\n')[0] as string)})`;
  }
}

/**
 * Checks, before any work, that output file `file` (named on the command line as `what file`, e.g.
 * `--svg race.svg`) can be written: nothing but a regular file in the way, and a writable folder.
 * Returns its absolute path; a problem is a one-line `UsageError`.
 */
export function checkOutputFile(file: string, what: string): string {
  const path = resolve(file);
  const problem = outputFileProblem(path) ?? folderProblem(dirname(path));
  if (problem !== undefined) throw new UsageError(`cannot write ${what}: ${problem}`);
  return path;
}

/** A temporary name beside `path` (same folder, so renaming it over `path` is atomic). */
function temporaryBeside(path: string, tag = 'tmp'): string {
  return resolve(dirname(path), `.${basename(path)}.${process.pid}.${tag}`);
}

/** Keeps `path`'s content at `copy`: a hard link where the file system has them, else a copy. */
function keepCopy(path: string, copy: string): void {
  try {
    linkSync(path, copy);
  } catch {
    copyFileSync(path, copy);
  }
}

/** Refuses (throws) when something other than a regular file is at `path` now. */
function refuseNonRegular(path: string): void {
  const problem = outputFileProblem(path);
  if (problem !== undefined) throw new Error(`${path}: ${problem}`);
}

/** Writes a file whole or not at all: to a temporary name first, then renamed over the target (never over a link, device or folder). */
export function writeAtomically(path: string, text: string): void {
  writeAllOrNothing([{ path, text }]);
}

/**
 * Writes several files as one unit: all of them or none. Each is written to a temporary name
 * first; only when every one is written are they renamed over their targets, and should a rename
 * fail, the targets already replaced get their previous content back (or are removed when they had
 * none). What is at a target must be a regular file or nothing.
 */
export function writeAllOrNothing(files: readonly { readonly path: string; readonly text: string }[]): void {
  const temps: string[] = [];
  // Per target renamed over so far: where its previous content is kept (undefined: it had none).
  const replaced = new Map<string, string | undefined>();
  const kept: string[] = [];
  try {
    for (const f of files) {
      refuseNonRegular(f.path);
      const tmp = temporaryBeside(f.path);
      temps.push(tmp);
      writeFileSync(tmp, f.text, { flag: 'w' });
    }
    files.forEach((f, i) => {
      // The previous content stays reachable (a hard link) until every file is in place.
      let backup: string | undefined;
      if (existsSync(f.path)) {
        backup = temporaryBeside(f.path, 'old');
        rmSync(backup, { force: true });
        keepCopy(f.path, backup);
        kept.push(backup);
      }
      renameSync(temps[i] as string, f.path);
      replaced.set(f.path, backup);
    });
  } catch (err) {
    for (const [path, backup] of replaced) {
      try {
        if (backup !== undefined) renameSync(backup, path);
        else rmSync(path, { force: true });
      } catch {
        // Best effort: the error below says what failed.
      }
    }
    for (const tmp of [...temps, ...kept]) rmSync(tmp, { force: true });
    throw err;
  }
  for (const backup of kept) rmSync(backup, { force: true });
}
