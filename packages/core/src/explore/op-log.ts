import type { AnyModel } from '../model.js';
import type { Thread } from '../thread.js';

/**
 * Where a run's model reports each operation a thread starts (see `trackedModel`): a new
 * operation runs in a fresh generator, so the locals of the thread's earlier operations are gone
 * and its record restarts from a mark naming the operation.
 */
export class OpLog {
  /** Per thread, the mark of an operation started since the tracker last looked. */
  readonly marks: Array<string | undefined> = [];
  private readonly started: number[] = [];

  /** Resets the per-run counts (a new run starts). */
  reset(): void {
    this.marks.length = 0;
    this.started.length = 0;
  }

  /** Called as thread `tid` starts an operation. */
  start(tid: number, op: string, fnStack: readonly string[]): void {
    const k = this.started[tid] ?? 0;
    // Stryker disable next-line ArithmeticOperator: the count need only differ between the operations of a thread
    this.started[tid] = k + 1;
    this.marks[tid] = `op${k}:${op}:${fnStack.join('/')}`;
  }
}

const trackedModels = new WeakMap<AnyModel, WeakMap<OpLog, AnyModel>>();

/** The model with every operation reporting its start to `log` (same behaviour otherwise). */
export function trackedModel(model: AnyModel, log: OpLog): AnyModel {
  let byLog = trackedModels.get(model);
  if (!byLog) trackedModels.set(model, (byLog = new WeakMap()));
  let m = byLog.get(log);
  if (m) return m;
  const operations: Record<string, AnyModel['operations'][string]> = {};
  for (const name of Object.keys(model.operations)) {
    const spec = model.operations[name] as AnyModel['operations'][string];
    operations[name] = {
      ...spec,
      run(state: unknown, t: Thread<string>) {
        log.start(t.tid, name, (t as { fnStack?: readonly string[] }).fnStack ?? []);
        return spec.run.call(spec, state as never, t);
      },
    } as AnyModel['operations'][string];
  }
  m = { ...model, operations } as AnyModel;
  byLog.set(log, m);
  return m;
}
