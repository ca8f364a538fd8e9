import type { Step } from './step.js';
import type { TraceEntry, TracedAccess } from './trace.js';

/** The trace entry of a step just taken: its accesses with the values the objects hold after it. */
export function traceStep(index: number, thread: number, operation: string, fn: string, step: Step, preempted: boolean): TraceEntry {
  const list = step.accesses;
  const accesses = new Array<TracedAccess>(list.length);
  for (let i = 0; i < list.length; i++) {
    const a = list[i] as Step['accesses'][number];
    const obj = a.obj;
    accesses[i] = { name: obj.name, kind: obj.kind, mode: a.mode, value: obj.describe() };
  }
  return { index, thread, operation, fn, label: step.label, accesses, preempted };
}
