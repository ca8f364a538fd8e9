import { serialize, type SerialContext } from '../explore/serialize.js';
import { objectKey } from '../explore/object-key.js';
import { Var } from '../primitives/var.js';
import type { Run } from '../run.js';
import type { WeakMemory } from './weak-memory.js';

/**
 * The identity of a state of a run under a weak memory model, between two steps: two prefixes
 * with the same key have the same future (the same enabled threads, the same choices, the same
 * outcomes), so an exploration may skip the second one's subtree.
 *
 * It is made of:
 * - the execution graph so far (`WeakMemory.key`: every thread's events in program order with
 *   their values and reads-from, and every location's coherence order). It fixes each `Var`'s
 *   value (its coherence-latest write), each thread's view, and every value each thread has read,
 *   hence, the threads being deterministic generators, where each thread is, given
 * - how many steps each thread has taken and whether it is done (a step may make no event);
 * - every other shared object's own state (locks' holders, SRCU readers and snapshots, CPUs and
 *   IPIs), which the graph does not fix: `srcu_read_lock()` before or after a
 *   `synchronize_srcu()` builds the same events but not the same wait;
 * - the model state's ghost fields (everything in it that is no shared object).
 * `Var` versions are left out: coherence, not assignment order, is what a weak run's values follow.
 * Returns null when part of the state cannot be written down exactly (a function in the ghost
 * state): such a state is never cached.
 */
export function weakStateKey(run: Run, memory: WeakMemory, cx: SerialContext): string | null {
  cx.unique = false;
  // An IPI queue entry first seen now gets a name no other state's entry has: a state with IPIs
  // in flight is told apart from every other (never cached wrongly, rarely cached at all).
  cx.stampHist++;
  const n = run.threadCount;
  const steps = new Array<number>(n).fill(0);
  for (const tid of run.schedule) steps[tid]!++;
  // Joined, not concatenated: the key is kept in a map, where a tree of concatenations would stay
  // a tree (many small objects to collect, slow to compare).
  const parts: string[] = [];
  for (let tid = 0; tid < n; tid++) parts.push(`${steps[tid]}${run.isAlive(tid) ? '' : '.'},`);
  parts.push('|');
  for (const o of run.world.objects) {
    if (o instanceof Var) continue;
    parts.push(objectKey(o, cx), '|');
  }
  parts.push(serialize(run.state, cx, 0));
  if (cx.unique) return null;
  parts.push('#', memory.key());
  return parts.join('');
}

/** A fresh serialisation context for `weakStateKey`. */
export function weakKeyContext(): SerialContext {
  return { unique: false, tickets: new WeakMap(), stampTid: -1, stampContinued: 0, stampHist: 0 };
}
