import { forEachCandidate } from '../exec/enumerate.js';
import { formatValue } from '../exec/values.js';
import { MEMORY_MODELS } from '../models/index.js';
import type { MemoryModelName } from '../models/model.js';
import { holds, type FinalState } from './condition.js';
import type { LitmusTest } from './program.js';
import type { LitmusResult, Observation } from './result.js';

/** The options of {@link checkLitmus}. */
export interface CheckOptions {
  readonly memory: MemoryModelName;
}

/**
 * Every consistent execution of `test` under a memory model, summarised as herd7 summarises it: the
 * reachable final states (of the registers and locations the condition and `locations` name), the
 * counts of executions satisfying the condition, the observation, and flags.
 */
export function checkLitmus(test: LitmusTest, options: CheckOptions): LitmusResult {
  const model = MEMORY_MODELS[options.memory];
  if (!model) throw new Error(`unknown memory model '${String(options.memory)}': expected sc, tso or lkmm`);
  const names = test.locations.map((l) => l.name);
  // A state's line is built from these (`0:r0=` and `[x]=`), its record only when it is new.
  const prefixes = test.observed.map((o) => (o.key.includes(':') ? `${o.key}=` : `[${o.key}]=`));
  const states = new Map<string, Record<string, string>>();
  const flags = new Set<string>();
  let explored = 0;
  let consistentCount = 0;
  let propHolds = 0;
  let propFails = 0;

  forEachCandidate(test, ({ graph, traces }) => {
    explored++;
    const verdict = model.check(graph);
    if (!verdict.consistent) return;
    consistentCount++;
    const final: FinalState = { registers: traces.map((t) => t.registers), memory: (loc) => graph.finalValue(loc) };
    if (test.filter && !holds(test.filter, final)) return;
    for (const f of verdict.flags) flags.add(f);
    if (holds(test.condition, final)) propHolds++;
    else propFails++;
    const values = test.observed.map((o) => formatValue(o.k === 'reg' ? (final.registers[o.thread]?.[o.r] ?? 0) : final.memory(o.loc), names));
    let line = '';
    for (let i = 0; i < values.length; i++) line += `${i > 0 ? ' ' : ''}${prefixes[i]}${values[i]};`;
    if (states.has(line)) return;
    const state: Record<string, string> = {};
    test.observed.forEach((o, i) => (state[o.key] = values[i]!));
    states.set(line, state);
  });

  const observation: Observation = propHolds === 0 ? 'Never' : propFails === 0 ? 'Always' : 'Sometimes';
  const negated = test.quantifier === '~exists';
  return {
    name: test.name,
    memory: options.memory,
    states: [...states.keys()].sort().map((k) => states.get(k)!),
    positive: negated ? propFails : propHolds,
    negative: negated ? propHolds : propFails,
    observation,
    condition: test.conditionText,
    flags: [...flags].sort(),
    executions: { explored, consistent: consistentCount },
  };
}

/** A state as herd prints it: `0:r0=1; [x]=2;` (memory locations in brackets). */
export function stateLine(state: Readonly<Record<string, string>>): string {
  return Object.entries(state)
    .map(([k, v]) => `${k.includes(':') ? k : `[${k}]`}=${v};`)
    .join(' ');
}
