// A worker thread of a verification by work stealing (see steal-pool.ts): explores the subtrees the
// parent hands it, sharing the visited states with the other workers, and gives a subtree away
// when the parent asks (a flag in shared memory: the search never returns to the event loop).
import { SharedStateTable, StealSearch, type StealTask } from '@kvmrace/core';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { CONTROL, signalFor, type FromStealWorker, type StealWorkerData } from './steal-protocol.js';
import { loadWorkerModel } from './worker-model.js';

const data = workerData as StealWorkerData & { readonly port: MessagePort };
const port = data.port;
const control = new Int32Array(data.control);
const post = (m: FromStealWorker): void => {
  port.postMessage(m);
  Atomics.add(control, CONTROL.mail(data.workers), 1);
};

const model = await loadWorkerModel(data);
const me = data.worker;
const search = new StealSearch(model, new Set(data.job.fixes), new SharedStateTable(data.table), me);
let executions = 0;
port.on('message', (m: { task: StealTask }) => {
  const task = m.task;
  const unit = data.units[task.unit] as StealWorkerData['units'][number];
  const result = search.run(
    task,
    unit.scenario,
    (done) => {
      Atomics.store(control, CONTROL.progress(data.workers, me), executions + done);
      return signalFor(control, me, task.unit, unit.piece);
    },
    (given) => post({ type: 'donation', ...(given ? { task: given } : {}) }),
  );
  executions += result.executions;
  Atomics.store(control, CONTROL.progress(data.workers, me), executions);
  post({ type: 'result', result });
});
parentPort?.on('message', (m: unknown) => {
  if (m !== 'done') return;
  port.close();
  parentPort?.close();
});
// The pool's bookkeeping hears it on the parent port, the coordinator on this one.
parentPort?.postMessage({ type: 'ready' });
post({ type: 'ready' });
