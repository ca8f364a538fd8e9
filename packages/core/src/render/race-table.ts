import Table from 'cli-table3';
import type { Counterexample } from '../counterexample.js';
import type { Outcome } from '../outcome.js';
import { formatScenario } from '../scenario.js';
import type { TraceEntry } from '../trace.js';

const PLAIN = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ',
};

/** One line for an outcome: `violation of I_E1 after step 10: ...`. */
export function describeOutcome(outcome: Outcome): string {
  const at = outcome.step >= 0 ? ` after step ${outcome.step + 1}` : ' before any step';
  switch (outcome.kind) {
    case 'ok':
      return 'ok: every thread finished and every invariant holds';
    case 'violation':
      return `violation of ${outcome.invariant ?? '?'}${at}: ${outcome.message}`;
    default:
      return `${outcome.kind}${at}${outcome.thread !== undefined ? ` on CPU${outcome.thread}` : ''}: ${outcome.message}`;
  }
}

/** The text of one step in its CPU's column: the kernel function when it changes, then the action and the values it left. */
export function describeStep(entry: TraceEntry, showFunction: boolean): string {
  const values = entry.accesses
    .filter((a) => a.kind === 'var' || a.kind === 'counter')
    .map((a) => `${a.name}=${a.value}`);
  const action = values.length ? `${entry.label}  [${values.join(', ')}]` : entry.label;
  return showFunction ? `${entry.fn}: ${action}` : `  ${action}`;
}

/**
 * The race as a table with one column per CPU, rows in time order, like the race tables in KVM
 * commit messages, ending with what broke and the state that shows it.
 */
export function renderRaceTable(modelName: string, variantName: string, cx: Counterexample): string {
  const threads = cx.scenario.length;
  const head = ['#', ...cx.scenario.map((ops, tid) => `CPU${tid}: ${ops.join(', ')}`)];
  const table = new Table({ head, chars: PLAIN, style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 0 } });
  const lastFn: string[] = new Array<string>(threads).fill('');
  for (const entry of cx.trace) {
    const row = new Array<string>(threads + 1).fill('');
    row[0] = String(entry.index + 1);
    const showFn = lastFn[entry.thread] !== entry.fn;
    lastFn[entry.thread] = entry.fn;
    let cell = describeStep(entry, showFn);
    if (entry.index === cx.outcome.step) cell += `  <== ${cx.outcome.kind === 'violation' ? `${cx.outcome.invariant} broken` : cx.outcome.kind}`;
    row[entry.thread + 1] = cell;
    table.push(row);
  }
  const lines = [
    `${modelName} (${variantName}): ${formatScenario(cx.scenario)}`,
    `${cx.threads} threads, ${cx.operations} operations, ${cx.preemptions} preemptions, ${cx.steps} steps`,
    '',
    table.toString().split('\n').map((l) => l.trimEnd()).join('\n'),
    '',
    `=> ${describeOutcome(cx.outcome)}`,
  ];
  if (cx.finalState) lines.push(`   state: ${cx.finalState}`);
  return lines.join('\n');
}
