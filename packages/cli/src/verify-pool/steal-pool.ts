import {
  compareCounterexamples,
  counterexampleOf,
  EXHAUSTIVE_ENGINE,
  SharedStateTable,
  shardUnits,
  statefulSearch,
  StealSearch,
  type AnyModel,
  type Counterexample,
  type ExploreFailure,
  type Scenario,
  type Shard,
  type StealSignal,
  type StealTask,
  type StealTaskResult,
  type VerifyResult,
} from '@kvmrace/core';
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { PieceJob } from './piece-job.js';
import type { ModelSource } from './run-pieces.js';
import { CONTROL, signalFor, type FromStealWorker, type StealUnit, type StealWorkerData } from './steal-protocol.js';
import { WorkerPool } from './worker-pool.js';

/** Slots of the shared visited set: 2^22 (48 MB, touched only as states arrive); past 3/4 full, each worker caches the rest alone. */
const TABLE_SLOTS = 1 << 22;
/** How often the progress bar hears of the executions. */
const PROGRESS_MS = 250;
/** The worker this thread is (the others are worker threads). */
const HERE = 0;

/** The units of the pieces of one shard, in the order one thread would verify them. */
export function stealUnits(model: AnyModel, fixes: readonly string[], scenarios: readonly Scenario[], pieces: readonly Shard[]): StealUnit[] {
  return pieces.flatMap((shard, piece) => shardUnits(model, fixes, scenarios, shard).map((u) => ({ scenario: scenarios[u.scenario] as Scenario, prefix: u.prefix, piece })));
}

/**
 * The stateful search of a verification's pieces on `workers` workers, this thread and worker
 * threads, that steal subtrees from one another and share one visited set. This thread starts at
 * once (warm, while the others load) and reads the others' messages between its own steps. The
 * verdict and the counterexample are those one thread finds: in each piece only units before the
 * first one known to fail are explored to the end, and the counterexample is that of the piece's
 * first failing unit searched again on one thread (the search that piece runs alone), the smallest
 * over pieces as `mergeVerifyResults` keeps it. The executions, states and hits depend on which
 * worker reaches a state first: they are not the same from run to run.
 */
export async function verifyByStealing(
  source: ModelSource,
  job: PieceJob,
  units: readonly StealUnit[],
  pieces: number,
  workers: number,
  onProgress?: (done: number, total: number, executions: number) => void,
  /** The same verification, its worker threads started early (`startStealing`). */
  started?: Stealing,
): Promise<Omit<VerifyResult, 'ms' | 'scenarios'>> {
  const stealing = started ?? new Stealing(source, job, units, pieces, workers);
  stealing.onProgress = onProgress;
  const results = await stealing.run();
  const fixes = new Set(job.fixes);
  const totals = { executions: 0, complete: 0, redundant: 0, steps: 0, stateHits: 0, states: 0 };
  const add = (r: Omit<StealTaskResult, 'unit'>): void => {
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += r[k];
  };
  for (const r of results.done) add(r);
  // Each failing piece's counterexample, as its own thread would find it: its first failing unit searched alone.
  let counterexample: Counterexample | undefined;
  for (const first of results.firstFailing) {
    const unit = units[first] as StealUnit;
    const again = statefulSearch(source.model, fixes, unit.scenario, { prefix: unit.prefix });
    add(again);
    const failure = again.failure as ExploreFailure;
    const cx = counterexampleOf(source.model, job.fixes, failure.scenario, failure.schedule, EXHAUSTIVE_ENGINE);
    if (!counterexample || compareCounterexamples(cx, counterexample) < 0) counterexample = cx;
  }
  return { verdict: counterexample ? 'violated' : 'holds', ...totals, ...(counterexample ? { counterexample } : {}) };
}

/**
 * Starts the worker threads of a verification by work stealing before this thread can join it
 * (while it estimates the cost, say): they take the first units as soon as they have loaded, and
 * `poll()`, called between this thread's own pieces of work, hands them their next tasks. Then
 * `verifyByStealing(..., started)` runs it to the end, or `abort()` stops it.
 */
export function startStealing(source: ModelSource, job: PieceJob, units: readonly StealUnit[], pieces: number, workers: number): Stealing {
  const stealing = new Stealing(source, job, units, pieces, workers);
  stealing.start();
  return stealing;
}

/** One verification by work stealing: the queue of tasks, who is busy, who was asked to give work away. */
export class Stealing {
  private readonly control: Int32Array;
  private readonly table = new SharedStateTable(TABLE_SLOTS);
  private readonly queue: StealTask[];
  private readonly busy = new Set<number>();
  private readonly idle: number[] = [];
  /** Per worker, the task it is on. */
  private readonly current: Array<StealTask | undefined> = [];
  /** The worker asked to give a subtree away (-1: none). */
  private asked = -1;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly done: StealTaskResult[] = [];
  private unitsDone = 0;
  private finished = false;
  private error: Error | undefined;
  /** This thread's next task. */
  private mine: StealTask | undefined;
  /** Per worker thread, the port it talks on (index 0 unused: this thread). */
  private readonly ports: MessagePort[] = [];
  private pool!: WorkerPool<FromStealWorker>;
  /** When progress was last told. */
  private told = 0;
  /** The mail count when this thread last read its ports. */
  private mailRead = 0;
  /** Wakes this thread when it waits for a message. */
  private wake: (() => void) | undefined;
  private started = false;
  /** Hears of the executions done (set before `run`). */
  onProgress: ((done: number, total: number, executions: number) => void) | undefined;

  constructor(
    private readonly source: ModelSource,
    private readonly job: PieceJob,
    private readonly units: readonly StealUnit[],
    private readonly pieces: number,
    private readonly workers: number,
  ) {
    this.control = new Int32Array(new SharedArrayBuffer(CONTROL.cells(workers) * 4));
    for (let p = 0; p < pieces; p++) this.control[CONTROL.cut(p)] = CONTROL.none;
    this.queue = units.map((u, unit) => ({ unit, path: u.prefix }));
  }

  /** Runs every task; returns what each did and, per failing piece, its first failing unit. */
  async run(): Promise<{ done: StealTaskResult[]; firstFailing: number[] }> {
    this.start();
    const timer = setInterval(() => this.tellProgress(), PROGRESS_MS);
    timer.unref();
    const search = new StealSearch(this.source.model, new Set(this.job.fixes), this.table, HERE);
    let executions = 0;
    try {
      this.next(HERE);
      while (!this.finished && !this.error) {
        const task = this.mine;
        if (task) {
          this.mine = undefined;
          const unit = this.units[task.unit] as StealUnit;
          const r = search.run(task, unit.scenario, (n) => this.signalHere(executions + n, task), (t) => this.handle(HERE, { type: 'donation', ...(t ? { task: t } : {}) }));
          executions += r.executions;
          Atomics.store(this.control, CONTROL.progress(this.workers, HERE), executions);
          this.handle(HERE, { type: 'result', result: r });
        } else if (!this.drain()) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
        }
      }
    } finally {
      clearInterval(timer);
      if (this.retry) clearTimeout(this.retry);
      this.pool.releaseAll();
      for (const p of this.ports) p?.close();
    }
    if (this.error) throw this.error;
    const firstFailing: number[] = [];
    for (let p = 0; p < this.pieces; p++) {
      const first = this.control[CONTROL.cut(p)] as number;
      if (first !== CONTROL.none) firstFailing.push(first);
    }
    return { done: this.done, firstFailing };
  }

  /** Starts the worker threads (once). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.startWorkers();
  }

  /** Handles the workers' messages now (between two pieces of this thread's own work, before `run`). */
  poll(): void {
    this.drain();
  }

  /** Stops the worker threads of a verification that will not run after all. */
  abort(): void {
    this.finished = true;
    this.pool.terminateAll();
    for (const p of this.ports) p?.close();
  }

  private startWorkers(): void {
    const data: StealWorkerData = {
      modelName: this.source.model.name,
      ...(this.source.file !== undefined ? { modelFile: this.source.file } : {}),
      job: this.job,
      worker: 0,
      workers: this.workers,
      units: this.units,
      table: this.table.buffer,
      control: this.control.buffer as SharedArrayBuffer,
    };
    // Worker threads are 1, 2, ...: the pool numbers them from 0.
    this.pool = new WorkerPool<FromStealWorker>(
      this.source,
      new URL('./steal-worker.js', import.meta.url),
      data,
      this.workers - 1,
      () => undefined,
      (err) => {
        this.error ??= err;
        this.wake?.();
      },
      (i) => {
        const { port1, port2 } = new MessageChannel();
        this.ports[i + 1] = port1;
        port1.on('message', (m: FromStealWorker) => {
          this.handle(i + 1, m);
          this.wake?.();
        });
        return { data: { worker: i + 1, port: port2 }, transfer: [port2] };
      },
    );
  }

  /** Handles the messages that arrived while this thread searched; returns whether there were any. */
  private drain(): boolean {
    const mail = Atomics.load(this.control, CONTROL.mail(this.workers));
    if (mail === this.mailRead) return false;
    this.mailRead = mail;
    let any = false;
    for (let w = 1; w < this.ports.length; w++) {
      const port = this.ports[w];
      if (!port) continue;
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        this.handle(w, m.message as FromStealWorker);
        any = true;
      }
    }
    return any;
  }

  /** Between steps of this thread's search: the others' messages, then this thread's own signal. */
  private signalHere(executions: number, task: StealTask): StealSignal {
    Atomics.store(this.control, CONTROL.progress(this.workers, HERE), executions);
    this.drain();
    // The event loop (and its progress timer) waits while this thread searches.
    const now = performance.now();
    if (now - this.told >= PROGRESS_MS) this.tellProgress();
    if (this.error) return 'stop';
    return signalFor(this.control, HERE, task.unit, (this.units[task.unit] as StealUnit).piece);
  }

  private handle(w: number, m: FromStealWorker): void {
    if (m.type === 'ready') this.next(w);
    else if (m.type === 'donation') {
      this.asked = -1;
      if (m.task && !this.moot(m.task)) {
        const thief = this.idle.shift();
        if (thief === undefined) this.queue.unshift(m.task);
        else this.give(thief, m.task);
      } else if (!m.task && this.idle.length > 0 && !this.retry) {
        // Nothing to give yet (a worker deep in one branch): ask again shortly.
        this.retry = setTimeout(() => {
          this.retry = undefined;
          this.ask();
        }, 2);
      }
      this.ask();
    } else if (m.type === 'result') {
      this.busy.delete(w);
      if (this.current[w]?.choices === undefined) this.unitsDone++;
      if (this.asked === w) {
        // It finished before it saw the request: nothing will come.
        Atomics.store(this.control, CONTROL.request(w), 0);
        this.asked = -1;
      }
      const r = m.result;
      this.done.push(r);
      if (r.failure) {
        const cut = CONTROL.cut((this.units[r.unit] as StealUnit).piece);
        if (r.unit < (this.control[cut] as number)) Atomics.store(this.control, cut, r.unit);
      }
      this.next(w);
      this.ask();
    }
  }

  private moot(t: StealTask): boolean {
    return t.unit >= (this.control[CONTROL.cut((this.units[t.unit] as StealUnit).piece)] as number);
  }

  private give(w: number, task: StealTask): void {
    this.busy.add(w);
    this.current[w] = task;
    if (w === HERE) this.mine = task;
    else this.ports[w]?.postMessage({ task });
  }

  /** Asks the busy worker asked longest ago to give a subtree away, when someone is idle. */
  private ask(): void {
    if (this.asked >= 0 || this.idle.length === 0 || this.busy.size === 0 || this.retry) return;
    const w = [...this.busy][0] as number;
    this.busy.delete(w);
    this.busy.add(w);
    this.asked = w;
    Atomics.store(this.control, CONTROL.request(w), 1);
  }

  private next(w: number): void {
    while (this.queue.length > 0 && this.moot(this.queue[0] as StealTask)) this.queue.shift();
    const task = this.queue.shift();
    if (task) return this.give(w, task);
    this.idle.push(w);
    if (this.busy.size === 0 && this.asked < 0) this.finished = true;
    else this.ask();
  }

  private tellProgress(): void {
    this.told = performance.now();
    let executions = 0;
    for (let w = 0; w < this.workers; w++) executions += this.control[CONTROL.progress(this.workers, w)] as number;
    this.onProgress?.(this.unitsDone, this.units.length, executions);
  }
}
