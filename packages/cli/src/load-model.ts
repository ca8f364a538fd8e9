import { isModel, type AnyModel } from '@kvmrace/core';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors.js';
import { shippedPackageAliases } from './model-imports.js';

/**
 * Loads a user's model file (TypeScript or JavaScript, loaded directly through jiti). The module
 * must export a model made by `defineModel`: as `default`, as `model`, or as its only model export.
 * Its imports of `@kvmrace/core` and the other packages the CLI ships resolve to the CLI's own
 * copies (`shippedPackageAliases`), so a model file needs no `node_modules` of its own.
 * Every failure is a one-line `UsageError`.
 */
export async function loadModelFile(path: string, onCompilerReady?: () => void): Promise<AnyModel> {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`model file not found: ${path}`);
  if (!statSync(file).isFile()) throw new UsageError(`model path is not a file: ${path}`);
  // jiti (and the TypeScript transform it brings) loads only for --model: every other command starts faster.
  const alias = shippedPackageAliases(file, path);
  const { createJiti } = await import('jiti');
  const jiti = createJiti(pathToFileURL(file).href, { moduleCache: false, fsCache: false, interopDefault: false, alias });
  // Load the TypeScript compiler first, so that a time limit on loading measures the user's module.
  jiti.transform({ source: 'export {};', filename: 'warm-up.ts', ts: true });
  onCompilerReady?.();
  let mod: Record<string, unknown>;
  try {
    mod = (await jiti.import(file)) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? '').trim() : String(err);
    throw new UsageError(`model file ${path} failed to load: ${message}${missingModuleHint(message, alias)}`);
  }
  const candidates = [mod.default, mod.model, ...Object.values(mod)].filter(isModel);
  const unique = [...new Set(candidates)];
  if (unique.length === 0) throw new UsageError(`model file ${path} exports no model (export one made with defineModel, as default or 'model')`);
  const preferred = [mod.default, mod.model].find(isModel);
  if (!preferred && unique.length > 1) {
    throw new UsageError(`model file ${path} exports ${unique.length} models (${unique.map((m) => m.name).join(', ')}); export the one to use as default`);
  }
  return guardSetup(preferred ?? (unique[0] as AnyModel), path);
}

/**
 * For a module the model imports that is nowhere to be found: which packages kvmrace brings itself,
 * so that the user knows the missing one is theirs to install.
 */
function missingModuleHint(message: string, alias: Record<string, string>): string {
  const missing = /^Cannot find (?:module|package) '([^']+)'/.exec(message)?.[1];
  if (missing === undefined || missing.startsWith('.') || missing.startsWith('/')) return '';
  const shipped = Object.keys(alias).filter((name) => !name.slice('@kvmrace/'.length).includes('/'));
  return ` (kvmrace brings ${shipped.join(', ')} itself; install other packages beside the model file, e.g. npm install ${missing})`;
}

/** The model with its `setup` made to fail as a one-line `UsageError` (a broken model, not a race). */
function guardSetup(model: AnyModel, path: string): AnyModel {
  const setup = model.setup as (...args: unknown[]) => unknown;
  return {
    ...model,
    setup: (...args: unknown[]) => {
      try {
        return setup(...args);
      } catch (err) {
        const message = err instanceof Error ? (err.message.split('\n')[0] ?? '').trim() : String(err);
        throw new UsageError(`model '${model.name}' (${path}) failed in setup: ${message}`);
      }
    },
  } as AnyModel;
}
