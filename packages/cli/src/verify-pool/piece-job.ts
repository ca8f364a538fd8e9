import { verify, type AnyModel, type Shard, type VerifyEngine, type VerifyResult } from '@kvmrace/core';

/** What one piece of a verification needs besides the model (plain data, sent to workers). */
export interface PieceJob {
  readonly fixes: readonly string[];
  readonly threads?: number;
  readonly maxOps?: number;
  readonly preemptions?: number;
  readonly minimal: boolean;
  readonly engine?: VerifyEngine;
  /** Record lock orders (`--lock-order`). */
  readonly lockOrder?: boolean;
}

/** Verifies one piece (a shard of the pieces' count). */
export function verifyPiece(model: AnyModel, job: PieceJob, piece: Shard, onProgress?: (done: number, total: number, executions: number) => void): VerifyResult {
  return verify(model, {
    fixes: job.fixes,
    minimal: job.minimal,
    shard: piece,
    ...(job.threads !== undefined ? { threads: job.threads } : {}),
    ...(job.maxOps !== undefined ? { maxOps: job.maxOps } : {}),
    ...(job.preemptions !== undefined ? { preemptions: job.preemptions } : {}),
    ...(job.engine !== undefined ? { engine: job.engine } : {}),
    ...(job.lockOrder ? { lockOrder: true } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
}
