import type { LitmusTest } from '../litmus/program.js';
import { ExecutionGraph, Skeleton } from './graph.js';
import { locationChoices, type LocationChoice } from './location-choices.js';
import { threadTraces } from './thread-traces.js';
import type { ThreadTrace } from './trace.js';

// Candidate executions of a litmus test, herd's way: every combination of one run per thread, then
// every reads-from and coherence choice that each location allows on its own (see
// location-choices.ts), each handed to the caller, which asks a memory model.

export interface Candidate {
  readonly graph: ExecutionGraph;
  readonly traces: readonly ThreadTrace[];
}

export interface EnumerationStats {
  /** Combinations of thread runs tried. */
  runCombinations: number;
  /** Complete candidate graphs handed out. */
  candidates: number;
  /** Candidates dropped because their values justify themselves in a cycle (see below). */
  valueCycles: number;
}

/** Calls `visit` with every candidate execution of `test`. */
export function forEachCandidate(test: LitmusTest, visit: (c: Candidate) => void): EnumerationStats {
  const { traces } = threadTraces(test);
  const stats: EnumerationStats = { runCombinations: 0, candidates: 0, valueCycles: 0 };
  if (traces.some((t) => t.length === 0)) return stats;
  const initValues = test.locations.map((l) => l.init);
  const memos = new Map<string, Map<string, unknown>>();
  const chosen: ThreadTrace[] = new Array<ThreadTrace>(traces.length);

  const combine = (thread: number): void => {
    if (thread === traces.length) {
      stats.runCombinations++;
      runCombination(chosen.slice());
      return;
    }
    for (const t of traces[thread]!) {
      chosen[thread] = t;
      combine(thread + 1);
    }
  };

  const runCombination = (combo: ThreadTrace[]): void => {
    const shapeKey = combo.map((t) => t.shape).join('|');
    let memo = memos.get(shapeKey);
    if (!memo) memos.set(shapeKey, (memo = new Map()));
    const sk = new Skeleton(combo, initValues, memo);
    const perLocation: LocationChoice[][] = [];
    for (let loc = 0; loc < sk.locationCount; loc++) {
      const choices = choicesOf(sk, loc);
      if (choices.length === 0) return;
      perLocation.push(choices);
    }
    const hasDeps = sk.memoize('has-value-deps', () => !sk.data.isEmpty() || !sk.addr.isEmpty());
    const rfOf = new Int32Array(sk.n).fill(-1);
    const co: (readonly number[])[] = new Array(sk.locationCount);
    const pick = (loc: number): void => {
      if (loc === sk.locationCount) {
        const graph = new ExecutionGraph(sk, rfOf.slice(), co.slice(), true);
        stats.candidates++;
        if (hasDeps && !graph.rf.union(sk.data, sk.addr).acyclic()) {
          // herd keeps such an execution with symbolic values (it prints them as S1, S2, ...); a
          // value that only justifies itself is out of thin air, and kvmrace does not report it.
          stats.valueCycles++;
          return;
        }
        visit({ graph, traces: combo });
        return;
      }
      const reads = sk.readsOf[loc]!;
      for (const choice of perLocation[loc]!) {
        for (let i = 0; i < reads.length; i++) rfOf[reads[i]!] = choice.rf[i]!;
        co[loc] = choice.co;
        pick(loc + 1);
      }
    };
    pick(0);
  };

  combine(0);
  return stats;
}

/** {@link locationChoices}, once per shape and values of the location's accesses (all they depend on). */
function choicesOf(sk: Skeleton, loc: number): LocationChoice[] {
  let key = `choices:${loc}:`;
  for (const w of sk.writesOf[loc]!) key += `${sk.events[w]!.value},`;
  key += '|';
  for (const r of sk.readsOf[loc]!) key += `${sk.events[r]!.value},`;
  return sk.memoize(key, () => locationChoices(sk, loc));
}
