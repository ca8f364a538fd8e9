// A worker thread that verifies pieces of one verification as the parent hands them out.
import type { AnyModel, Shard } from '@kvmrace/core';
import { parentPort, workerData } from 'node:worker_threads';
import { guardModel } from '../guard/guard-model.js';
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
  const model = await loadModelFile(data.modelFile);
  return data.watchdog ? guardModel(model, data.watchdog) : model;
}

const model = await loadModel();
const job: PieceJob = data.job;
parentPort?.on('message', (m: { piece: number; shard: Shard } | 'done') => {
  if (m === 'done') {
    parentPort?.close();
    return;
  }
  const result = verifyPiece(model, job, m.shard, (done, total) => post({ type: 'progress', piece: m.piece, done, total }));
  post({ type: 'result', piece: m.piece, result });
});
post({ type: 'ready' });
