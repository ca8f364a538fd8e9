#!/usr/bin/env -S node --v8-pool-size=1
// One V8 helper thread instead of Node's four: on a 2-core machine four JIT compiler threads take
// the CPUs from the search while a short run warms up (a cold `verify hpt-resize` measured ~25%
// faster with one). Run `node --v8-pool-size=4 <this file>` to choose otherwise.
import { limitsFromArgv, loadsModelFile, runGuarded } from './guard/run-guarded.js';
import { processIo } from './program/io.js';

const argv = process.argv.slice(2);
// `kvmrace litmus` loads only the litmus reader, not the models (half of its start); the rest loads everything.
const run = argv[0] === 'litmus' ? (await import('./litmus-main.js')).litmusMain : (await import('./main.js')).main;
// A user's model file runs in a guarded worker (step time limit, heap limit); built-in models run here.
process.exitCode = loadsModelFile(argv) ? await runGuarded(argv, limitsFromArgv(argv), processIo) : await run(argv);
