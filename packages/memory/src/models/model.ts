import type { ExecutionGraph } from '../exec/graph.js';

/** The memory models kvmrace knows. */
export type MemoryModelName = 'sc' | 'tso' | 'lkmm';

/** What a memory model says of one execution graph. */
export interface ModelVerdict {
  readonly consistent: boolean;
  /** The first axiom that fails, when inconsistent (`coherence`, `happens-before`, ...). */
  readonly failed?: string;
  /** herd-style flags of a consistent execution (`data-race`). */
  readonly flags: readonly string[];
  /** With `data-race`: the racing pairs of events (graph ids). */
  readonly races?: ReadonlyArray<readonly [number, number]>;
}

/** A consistency predicate over execution graphs (complete, or partial: see exec/graph.ts). */
export interface MemoryModel {
  readonly name: MemoryModelName;
  check(graph: ExecutionGraph): ModelVerdict;
}

export const consistent: ModelVerdict = { consistent: true, flags: [] };
export const inconsistent = (failed: string): ModelVerdict => ({ consistent: false, failed, flags: [] });
