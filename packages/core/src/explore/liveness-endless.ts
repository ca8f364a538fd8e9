import { ModelError } from '../faults.js';
import type { AnyModel } from '../model.js';
import type { Scenario } from '../scenario.js';
import type { Step, Steps } from '../step.js';
import type { Thread } from '../thread.js';
import { activeLivenessLog } from './liveness-hooks.js';

/** The name of the operation an endless thread runs: its operations, in order, for ever. */
export function endlessName(ops: readonly string[]): string {
  return `${ops.join(', ')} (for ever)`;
}

/**
 * The model and scenario where each thread in `endless` runs its operations again and again (an
 * invalidator, a timer): one operation that starts them in turn for ever. Each start restarts the
 * thread's record as an operation start does, so one turn later the thread can be in the same state.
 */
export function endlessModel(model: AnyModel, scenario: Scenario, endless: readonly number[]): { model: AnyModel; scenario: Scenario } {
  if (endless.length === 0) return { model, scenario };
  const operations: Record<string, AnyModel['operations'][string]> = { ...model.operations };
  const threads = scenario.map((ops, tid) => {
    if (!endless.includes(tid)) return ops;
    const name = endlessName(ops);
    const specs = ops.map((op) => model.operations[op] as AnyModel['operations'][string]);
    operations[name] = {
      summary: `${ops.join(', ')}, again and again`,
      kernel: specs.map((s) => s.kernel).join('; '),
      *run(state: unknown, t: Thread<string>): Steps<unknown> {
        for (;;) {
          let stepped = false;
          for (let i = 0; i < ops.length; i++) {
            (t as unknown as { op: string }).op = ops[i] as string; // the trace names the operation running
            activeLivenessLog()?.restart(t.tid, `endless:${i}:${ops[i] as string}`);
            const gen = (specs[i] as AnyModel['operations'][string]).run(state as never, t);
            // Delegated by hand to see whether the turn took a step: one that takes none would spin here.
            for (let r = gen.next(); !r.done; r = gen.next()) {
              stepped = true;
              yield r.value as Step;
            }
          }
          if (!stepped) throw new ModelError(`endless thread CPU${t.tid}: its operations (${ops.join(', ')}) took no step`);
        }
      },
    } as AnyModel['operations'][string];
    return [name];
  });
  return { model: { ...model, operations } as AnyModel, scenario: threads };
}
