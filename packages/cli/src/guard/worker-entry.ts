// The CLI run inside a guarded worker (see run-guarded.ts): output and the exit code go to the parent.
import { parentPort, workerData } from 'node:worker_threads';
import { main } from '../main.js';
import { forbidProcessExit } from './forbid-exit.js';
import { captureModelOutput } from './model-output.js';
import { recordLoadedResidentMemory } from './resident-ceiling.js';
import type { GuardedWorkerData, WorkerMessage } from './run-guarded.js';

const data = workerData as GuardedWorkerData;
const post = (m: WorkerMessage): void => parentPort?.postMessage(m);
// What the model prints goes to stderr, named; kvmrace's own output is posted, never printed here.
captureModelOutput((text) => post({ type: 'err', text }));
forbidProcessExit(data.cell);
const code = await main(
  data.argv,
  { out: (text) => post({ type: 'out', text }), err: (text) => post({ type: 'err', text }), interactive: data.interactive },
  {
    watchdog: data.cell,
    onModelLoaded: (names) => {
      recordLoadedResidentMemory(data.cell);
      post({ type: 'names', names });
    },
  },
);
post({ type: 'exit', code });
