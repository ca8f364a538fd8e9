#!/usr/bin/env node
import { limitsFromArgv, loadsModelFile, runGuarded } from './guard/run-guarded.js';
import { main, processIo } from './main.js';

const argv = process.argv.slice(2);
// A user's model file runs in a guarded worker (step time limit, heap limit); built-in models run here.
process.exitCode = loadsModelFile(argv) ? await runGuarded(argv, limitsFromArgv(argv), processIo) : await main(argv);
