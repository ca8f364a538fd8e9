// A worker thread that verifies pieces of one verification as the parent hands them out.
import type { AnyModel, Shard } from '@kvmrace/core';
import { parentPort, workerData } from 'node:worker_threads';
import { forbidProcessExit } from '../guard/forbid-exit.js';
import { guardModel } from '../guard/guard-model.js';
import { captureModelOutput } from '../guard/model-output.js';
import { SLOT, slotBase, USER_CODE } from '../guard/watchdog-cell.js';
import { loadModelFile } from '../load-model.js';
import { builtinModels } from '../registry.js';
import { verifyPiece, type PieceJob } from './piece-job.js';
import type { FromPieceWorker, PieceWorkerData } from './run-pieces.js';

const data = workerData as PieceWorkerData;
const post = (m: FromPieceWorker): void => parentPort?.postMessage(m);

async function loadModel(): Promise<AnyModel> {
  if (data.modelFile === undefined) {
    const model = builtinModels.find((m) => m.name === data.modelName);
    if (!model) throw new Error(`model '${data.modelName}' is not built in`);
    return model;
  }
  const cell = data.watchdog;
  if (!cell || data.slot === undefined) return loadModelFile(data.modelFile);
  // The user's model, guarded as in the guarded worker: its output named on stderr, process.exit() refused.
  captureModelOutput((text) => post({ type: 'output', text }));
  forbidProcessExit(cell);
  const base = slotBase(data.slot);
  // The compiler is ready: from here the load limit times the user's module alone.
  const model = await loadModelFile(data.modelFile, () => Atomics.add(cell, base + SLOT.beats, 1));
  const guarded = guardModel(model, cell, data.slot);
  Atomics.store(cell, base + SLOT.kind, USER_CODE.none);
  Atomics.add(cell, base + SLOT.beats, 1);
  return guarded;
}

const model = await loadModel();
const job: PieceJob = data.job;
parentPort?.on('message', (m: { piece: number; shard: Shard } | 'done') => {
  if (m === 'done') {
    parentPort?.close();
    return;
  }
  const result = verifyPiece(model, job, m.shard, (done, total, executions) => post({ type: 'progress', piece: m.piece, done, total, executions }));
  post({ type: 'result', piece: m.piece, result });
});
post({ type: 'ready' });
