// The model a pool worker verifies: a built-in one by name, or the user's file loaded again, guarded.
import type { AnyModel } from '@kvmrace/core';
import { parentPort } from 'node:worker_threads';
import { forbidProcessExit } from '../guard/forbid-exit.js';
import { guardModel } from '../guard/guard-model.js';
import { captureModelOutput } from '../guard/model-output.js';
import { SLOT, slotBase, USER_CODE } from '../guard/watchdog-cell.js';
import { loadModelFile } from '../load-model.js';
import { builtinModels } from '../registry.js';
import type { PieceWorkerData } from './run-pieces.js';

/** Loads the model named by a pool worker's data (see `WorkerPool`). */
export async function loadWorkerModel(data: PieceWorkerData): Promise<AnyModel> {
  if (data.modelFile === undefined) {
    const model = builtinModels.find((m) => m.name === data.modelName);
    if (!model) throw new Error(`model '${data.modelName}' is not built in`);
    return model;
  }
  const cell = data.watchdog;
  if (!cell || data.slot === undefined) return loadModelFile(data.modelFile);
  // The user's model, guarded as in the guarded worker: its output named on stderr, process.exit() refused.
  captureModelOutput((text) => parentPort?.postMessage({ type: 'output', text }));
  forbidProcessExit(cell);
  const base = slotBase(data.slot);
  // The compiler is ready: from here the load limit times the user's module alone.
  const model = await loadModelFile(data.modelFile, () => Atomics.add(cell, base + SLOT.beats, 1));
  const guarded = guardModel(model, cell, data.slot);
  Atomics.store(cell, base + SLOT.kind, USER_CODE.none);
  Atomics.add(cell, base + SLOT.beats, 1);
  return guarded;
}
