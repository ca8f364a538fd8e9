// A worker thread that verifies pieces of one verification as the parent hands them out.
import type { Shard } from '@kvmrace/core';
import { parentPort, workerData } from 'node:worker_threads';
import { verifyPiece, type PieceJob } from './piece-job.js';
import type { FromPieceWorker, PieceWorkerData } from './run-pieces.js';
import { loadWorkerModel } from './worker-model.js';

const data = workerData as PieceWorkerData;
const post = (m: FromPieceWorker): void => parentPort?.postMessage(m);

const model = await loadWorkerModel(data);
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
