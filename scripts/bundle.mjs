#!/usr/bin/env node
// Bundles a package's compiled modules (tsc's dist/) into one file per entry, so that a CLI start
// loads a handful of files instead of ~180 (about 90 ms of a 0.24 s start). Every bare import
// (another package, node:*) stays an import: each package bundles only its own code, and a model
// file a user writes imports the very same @kvmrace/core file the CLI does.
//
//   node scripts/bundle.mjs <outdir> <name>=<entry.js> [<name>=<entry.js> ...]
import { build } from 'esbuild';

const [outdir, ...pairs] = process.argv.slice(2);
if (!outdir || pairs.length === 0 || pairs.some((p) => !/^[\w-]+=.+\.js$/.test(p))) {
  process.stderr.write('usage: node scripts/bundle.mjs <outdir> <name>=<entry.js> [...]\n');
  process.exit(2);
}
const entryPoints = Object.fromEntries(pairs.map((p) => p.split('=')));
try {
  await build({
    entryPoints,
    outdir,
    bundle: true,
    // Several entries (the CLI and its worker threads) share chunks instead of each holding a copy.
    splitting: pairs.length > 1,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    // Chunks sit beside the entries: `new URL('./x.js', import.meta.url)` resolves the same from both.
    entryNames: '[name]',
    chunkNames: '[name]-[hash]',
    sourcemap: true,
    logLevel: 'warning',
  });
} catch {
  // esbuild has printed the errors.
  process.exit(1);
}
