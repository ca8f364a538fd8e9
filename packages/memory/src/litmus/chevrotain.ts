import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

// chevrotain's package entry loads lodash-es as several hundred separate modules, about 0.8 s at a
// process's start; the package also ships the very same library prebuilt as one module
// (lib/chevrotain.mjs), which loads in about 30 ms, and minified (lib/chevrotain.min.mjs, 40% of
// the text to read: ~2% fewer instructions for `kvmrace litmus` over the corpus). Every use of
// chevrotain goes through here, so that tokens and parser come from one copy. Should a later
// chevrotain drop that file, the entry is used.

async function load(): Promise<typeof Chevrotain> {
  try {
    const entry = createRequire(import.meta.url).resolve('chevrotain');
    const prebuilt = join(dirname(entry), '..', 'chevrotain.min.mjs');
    if (existsSync(prebuilt)) return (await import(pathToFileURL(prebuilt).href)) as typeof Chevrotain;
  } catch {
    // fall through to the package entry
  }
  return import('chevrotain');
}

export const chevrotain: typeof Chevrotain = await load();
