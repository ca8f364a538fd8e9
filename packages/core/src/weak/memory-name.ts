/**
 * The memory models an exploration runs under: `sc` (sequential consistency, the engine's own
 * interleavings, exactly as before memory models existed), `tso` (x86-TSO) and `lkmm` (the
 * Linux-kernel memory model), the last two over execution graphs (see `weak-memory.ts`).
 */
export type MemoryName = 'sc' | 'tso' | 'lkmm';

/** The memory models, in the order help texts list them. */
export const MEMORY_NAMES: readonly MemoryName[] = ['sc', 'tso', 'lkmm'];

/** What a memory model's name stands for, for verdicts that say what they covered. */
export const MEMORY_TITLES: Readonly<Record<MemoryName, string>> = {
  sc: 'sequential consistency',
  tso: 'x86-TSO',
  lkmm: 'the Linux-kernel memory model',
};

export function isMemoryName(s: string): s is MemoryName {
  return s === 'sc' || s === 'tso' || s === 'lkmm';
}
