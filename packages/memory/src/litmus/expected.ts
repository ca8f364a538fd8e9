import type { MemoryModelName } from '../models/model.js';
import type { LitmusTest } from './program.js';
import type { Observation } from './result.js';

/**
 * The result a test's header comment claims for a memory model: the kernel litmus tests'
 * `Result: Never|Sometimes|Always` line for the LKMM, and kvmrace's corpus convention
 * `Result-sc:` / `Result-tso:` for the others. Undefined when the header says nothing for it.
 */
export function expectedObservation(test: LitmusTest, memory: MemoryModelName): Observation | undefined {
  const key = memory === 'lkmm' ? 'Result' : `Result-${memory}`;
  for (const line of test.header.split('\n')) {
    const words = line.replace(/^[\s*(]+/, '').split(/\s+/);
    if (words[0] === `${key}:` && (words[1] === 'Never' || words[1] === 'Sometimes' || words[1] === 'Always')) return words[1];
  }
  return undefined;
}
