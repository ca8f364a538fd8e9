import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.js';

/** A package.json as far as the resolution reads it. */
interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly exports?: Record<string, unknown>;
  readonly dependencies?: Record<string, string>;
}

const readJson = (path: string): PackageJson => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;

/**
 * The `@kvmrace/*` packages this CLI depends on (core, properties, examples and the models): the
 * ones a model file may import without installing anything. Read from kvmrace's package.json, one
 * level above dist/ and src/, so that a new model package needs no change here.
 */
function shippedPackages(): string[] {
  const cli = readJson(fileURLToPath(new URL('../package.json', import.meta.url)));
  return Object.keys(cli.dependencies ?? {}).filter((name) => name.startsWith('@kvmrace/'));
}

/** The `package.json` of `name` in the nearest `node_modules` at or above `dir`, as Node would find it. */
function nearestInstalled(name: string, dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(at) === at) return undefined;
  }
}

/**
 * Where a model file's imports of the `@kvmrace/*` packages go: to this CLI's own copies, as jiti
 * aliases (every entry each package exports, `@kvmrace/properties/vitest` as well as
 * `@kvmrace/core`). A model in a directory with no `node_modules` then loads, and one whose project
 * installs the same packages runs against the very objects the CLI's engine uses (one copy of each,
 * never two side by side). When the model's directory (or one above it) installs one of them at
 * another version than the CLI's, the model was written against other code: refused with one line
 * naming both versions and where they are (`shownAs`: the model file as the user named it).
 */
export function shippedPackageAliases(modelFile: string, shownAs = modelFile): Record<string, string> {
  const alias: Record<string, string> = {};
  for (const name of shippedPackages()) {
    const ownJson = fileURLToPath(import.meta.resolve(`${name}/package.json`));
    const own = readJson(ownJson);
    const theirsJson = nearestInstalled(name, dirname(modelFile));
    if (theirsJson !== undefined && realpathSync(theirsJson) !== realpathSync(ownJson)) {
      const theirs = readJson(theirsJson);
      if (theirs.version !== own.version) {
        throw new UsageError(
          `model file ${shownAs} sees ${name}@${theirs.version ?? '(no version)'} (${dirname(theirsJson)}), but this kvmrace runs with ${name}@${own.version} (${dirname(ownJson)}): install ${name}@${own.version} beside the model, or run the kvmrace of that version`,
        );
      }
    }
    for (const subpath of Object.keys(own.exports ?? { '.': null })) {
      const specifier = subpath === '.' ? name : `${name}/${subpath.replace(/^\.\//, '')}`;
      alias[specifier] = fileURLToPath(import.meta.resolve(specifier));
    }
  }
  return alias;
}
