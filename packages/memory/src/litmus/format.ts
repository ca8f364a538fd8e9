import { stateLine } from './check.js';
import { litmusValidation, propositionCounts, quantifierOf, type LitmusResult } from './result.js';

/** herd7's report of one test: states, Ok/No, Positive/Negative, flags, condition, observation. */
export function formatResult(result: LitmusResult): string {
  const q = quantifierOf(result.condition);
  const kind = q === 'exists' ? 'Allowed' : q === '~exists' ? 'Forbidden' : 'Required';
  const { holds, fails } = propositionCounts(result);
  const lines = [
    `Test ${result.name} ${kind} (memory ${result.memory})`,
    `States ${result.states.length}`,
    ...result.states.map(stateLine),
    litmusValidation(result),
    'Witnesses',
    `Positive: ${result.positive} Negative: ${result.negative}`,
    ...result.flags.map((f) => `Flag ${f}`),
    `Condition ${result.condition}`,
    `Observation ${result.name} ${result.observation} ${holds} ${fails}`,
    `Executions ${result.name} explored ${result.executions.explored} consistent ${result.executions.consistent}`,
  ];
  return `${lines.join('\n')}\n`;
}
