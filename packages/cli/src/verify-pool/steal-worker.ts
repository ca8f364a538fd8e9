// A worker thread of a verification by work stealing (see steal-pool.ts): explores the subtrees the
// parent hands it, sharing the visited states with the other workers, and gives a subtree away
// when the parent asks (a flag in shared memory: the search never returns to the event loop).
import { SharedStateTable, StealSearch, type StealTask } from '@kvmrace/core';
import { parentPort, workerData } from 'node:worker_threads';
import { CONTROL, type FromStealWorker, type StealWorkerData } from './steal-protocol.js';
import { loadWorkerModel } from './worker-model.js';

const data = workerData as StealWorkerData;
const post = (m: FromStealWorker): void => parentPort?.postMessage(m);

const model = await loadWorkerModel(data);
const control = new Int32Array(data.control);
const me = data.worker;
const search = new StealSearch(model, new Set(data.job.fixes), new SharedStateTable(data.table), me);
let executions = 0;
parentPort?.on('message', (m: { task: StealTask } | 'done') => {
  if (m === 'done') {
    parentPort?.close();
    return;
  }
  const task = m.task;
  const unit = data.units[task.unit] as StealWorkerData['units'][number];
  const result = search.run(
    task,
    unit.scenario,
    (done) => {
      Atomics.store(control, CONTROL.progress(data.workers, me), executions + done);
      // A failure found in an earlier unit of the same piece makes this one's work moot.
      if (task.unit >= Atomics.load(control, CONTROL.cut(unit.piece))) return 'stop';
      if (Atomics.load(control, CONTROL.request(me)) === 0) return 'go';
      Atomics.store(control, CONTROL.request(me), 0);
      return 'donate';
    },
    (given) => post({ type: 'donation', ...(given ? { task: given } : {}) }),
  );
  executions += result.executions;
  Atomics.store(control, CONTROL.progress(data.workers, me), executions);
  post({ type: 'result', result });
});
post({ type: 'ready' });
