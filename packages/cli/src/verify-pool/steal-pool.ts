import {
  compareCounterexamples,
  counterexampleOf,
  EXHAUSTIVE_ENGINE,
  SharedStateTable,
  shardUnits,
  statefulSearch,
  type AnyModel,
  type Counterexample,
  type ExploreFailure,
  type Scenario,
  type Shard,
  type StealTask,
  type StealTaskResult,
  type VerifyResult,
} from '@kvmrace/core';
import type { PieceJob } from './piece-job.js';
import type { ModelSource } from './run-pieces.js';
import { CONTROL, type FromStealWorker, type StealUnit, type StealWorkerData } from './steal-protocol.js';
import { WorkerPool } from './worker-pool.js';

/** Slots of the shared visited set: 2^22 (48 MB, touched only as states arrive); past 3/4 full, each worker caches the rest alone. */
const TABLE_SLOTS = 1 << 22;

/** The units of the pieces of one shard, in the order one thread would verify them. */
export function stealUnits(model: AnyModel, fixes: readonly string[], scenarios: readonly Scenario[], pieces: readonly Shard[]): StealUnit[] {
  return pieces.flatMap((shard, piece) => shardUnits(model, fixes, scenarios, shard).map((u) => ({ scenario: scenarios[u.scenario] as Scenario, prefix: u.prefix, piece })));
}

/**
 * The stateful search of a verification's pieces, on `workers` threads that steal subtrees from
 * one another and share one visited set. The verdict and the counterexample are those one thread
 * finds: in each piece only units before the first one known to fail are explored to the end, and
 * the counterexample is that of the piece's first failing unit searched again on one thread (the
 * search that piece runs alone), the smallest over pieces as `mergeVerifyResults` keeps it. The
 * executions, states and hits depend on which worker reaches a state first: they are not the same
 * from run to run.
 */
export async function verifyByStealing(
  source: ModelSource,
  job: PieceJob,
  units: readonly StealUnit[],
  pieces: number,
  workers: number,
  onProgress?: (done: number, total: number, executions: number) => void,
): Promise<Omit<VerifyResult, 'ms' | 'scenarios'>> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL.cells(workers) * 4));
  for (let p = 0; p < pieces; p++) control[CONTROL.cut(p)] = CONTROL.none;
  const table = new SharedStateTable(TABLE_SLOTS);
  const data: StealWorkerData = {
    modelName: source.model.name,
    ...(source.file !== undefined ? { modelFile: source.file } : {}),
    job,
    worker: 0,
    workers,
    units,
    table: table.buffer,
    control: control.buffer as SharedArrayBuffer,
  };
  const results: StealTaskResult[] = [];
  const queue: StealTask[] = units.map((u, unit) => ({ unit, path: u.prefix }));
  let unitsDone = 0;
  await new Promise<void>((resolve, reject) => {
    const busy = new Set<number>();
    const idle: number[] = [];
    /** The worker asked to give a subtree away, if any. */
    let asked = -1;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const moot = (t: StealTask): boolean => t.unit >= (control[CONTROL.cut((units[t.unit] as StealUnit).piece)] as number);
    /** Per worker, the task it is on. */
    const current: Array<StealTask | undefined> = [];
    const give = (w: number, task: StealTask): void => {
      busy.add(w);
      current[w] = task;
      pool.post(w, { task });
    };
    const ask = (): void => {
      if (asked >= 0 || idle.length === 0 || busy.size === 0 || retry) return;
      // The busy worker that has waited longest since it was last asked.
      asked = [...busy][0] as number;
      busy.delete(asked);
      busy.add(asked);
      Atomics.store(control, CONTROL.request(asked), 1);
    };
    const next = (w: number): void => {
      while (queue.length > 0 && moot(queue[0] as StealTask)) queue.shift();
      const task = queue.shift();
      if (task) return give(w, task);
      idle.push(w);
      if (busy.size === 0 && asked < 0) {
        if (retry) clearTimeout(retry);
        clearInterval(timer);
        pool.releaseAll();
        resolve();
        return;
      }
      ask();
    };
    const timer = setInterval(() => {
      let executions = 0;
      for (let w = 0; w < workers; w++) executions += control[CONTROL.progress(workers, w)] as number;
      onProgress?.(unitsDone, units.length, executions);
    }, 250);
    timer.unref();
    const pool = new WorkerPool<FromStealWorker>(
      source,
      new URL('./steal-worker.js', import.meta.url),
      data,
      workers,
      (w, m) => {
        if (m.type === 'ready') next(w);
        else if (m.type === 'donation') {
          asked = -1;
          if (m.task && !moot(m.task)) {
            const thief = idle.shift();
            if (thief === undefined) queue.unshift(m.task);
            else give(thief, m.task);
          } else if (!m.task && idle.length > 0) {
            // Nothing to give yet (a worker deep in one branch): ask again shortly.
            retry = setTimeout(() => {
              retry = undefined;
              ask();
            }, 2);
          }
          ask();
        } else if (m.type === 'result') {
          busy.delete(w);
          if (current[w]?.choices === undefined) unitsDone++;
          if (asked === w) {
            // It finished before it saw the request: nothing will come.
            Atomics.store(control, CONTROL.request(w), 0);
            asked = -1;
          }
          const r = m.result;
          results.push(r);
          if (r.failure) {
            const cut = CONTROL.cut((units[r.unit] as StealUnit).piece);
            if (r.unit < (control[cut] as number)) Atomics.store(control, cut, r.unit);
          }
          next(w);
          ask();
        }
      },
      (err) => {
        clearInterval(timer);
        if (retry) clearTimeout(retry);
        reject(err);
      },
    );
  });
  const fixes = new Set(job.fixes);
  const totals = { executions: 0, complete: 0, redundant: 0, steps: 0, stateHits: 0, states: 0 };
  const add = (r: Omit<StealTaskResult, 'unit'>): void => {
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += r[k];
  };
  for (const r of results) add(r);
  // Each failing piece's counterexample, as its own thread would find it: its first failing unit searched alone.
  let counterexample: Counterexample | undefined;
  for (let p = 0; p < pieces; p++) {
    const first = control[CONTROL.cut(p)] as number;
    if (first === CONTROL.none) continue;
    const unit = units[first] as StealUnit;
    const again = statefulSearch(source.model, fixes, unit.scenario, { prefix: unit.prefix });
    add(again);
    const failure = again.failure as ExploreFailure;
    const cx = counterexampleOf(source.model, job.fixes, failure.scenario, failure.schedule, EXHAUSTIVE_ENGINE);
    if (!counterexample || compareCounterexamples(cx, counterexample) < 0) counterexample = cx;
  }
  return { verdict: counterexample ? 'violated' : 'holds', ...totals, ...(counterexample ? { counterexample } : {}) };
}
