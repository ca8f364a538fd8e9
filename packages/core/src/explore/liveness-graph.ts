import type { AnyModel } from '../model.js';
import type { Outcome } from '../outcome.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import type { LivenessLog } from './liveness-hooks.js';
import type { LivenessSpace } from './liveness-space.js';
import { StateTracker, type TrackerSnapshot } from './state-tracker.js';

/** No step budget: a liveness search ends runs by finding their states again, not by counting. */
export const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** One state of the graph. */
export interface GraphNode {
  /** Its id in the state space (`LivenessSpace`). */
  readonly key: number;
  /** The node it was first reached from (-1: the start) and the thread that stepped. */
  readonly parent: number;
  readonly via: number;
  /** Steps from the start on the first (shortest) path. */
  readonly depth: number;
  /** Bit per thread: enabled here; not done here. */
  readonly enabled: number;
  readonly alive: number;
  /** Out-edges: the thread that steps and the node it reaches (runs that end here have no node). */
  readonly edgeTid: number[];
  readonly edgeTo: number[];
  readonly snap: TrackerSnapshot;
}

/** The reachable states, breadth first. */
export interface StateGraph {
  readonly nodes: readonly GraphNode[];
  /** Every reachable state was expanded (false: `maxStates` was reached first). */
  readonly complete: boolean;
  /** The first run that ended in a failure (shortest: breadth first), with its schedule. */
  readonly failure?: { readonly schedule: readonly number[]; readonly outcome: Outcome };
  /** Steps taken, replays included. */
  readonly steps: number;
}

/** Bits of the threads that are enabled and that are not done. */
function masks(run: Run): { enabled: number; alive: number } {
  let enabled = 0;
  let alive = 0;
  for (let t = 0; t < run.threadCount; t++) {
    if (run.isEnabled(t)) enabled |= 1 << t;
    if (run.isAlive(t)) alive |= 1 << t;
  }
  return { enabled, alive };
}

/**
 * Every state reachable from the start, breadth first, every enabled thread tried at every state
 * (no reduction: a cycle needs every edge), up to `maxStates`. The enabled threads are part of a
 * state's id (`LivenessSpace` drops `Var` versions, which an `awaitChange` compares). A run is
 * replayed from the start to each state it expands (stateless: generators cannot be copied).
 */
export function stateGraph(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, space: LivenessSpace, log: LivenessLog, maxStates: number): StateGraph {
  const nodes: GraphNode[] = [];
  const byKey = new Map<number, number>();
  let failure: StateGraph['failure'];
  let steps = 0;
  const newRun = (): Run => {
    log.reset();
    return new Run(model, fixes, scenario, { maxSteps: UNBOUNDED });
  };
  const fail = (run: Run) => {
    if (failure === undefined && run.outcome !== null && run.outcome.kind !== 'ok') failure = { schedule: run.schedule.slice(), outcome: run.outcome };
  };
  const add = (tracker: StateTracker, parent: number, via: number, depth: number): number => {
    const run = tracker.current;
    const m = masks(run);
    const key = tracker.stateId(m.enabled);
    const known = byKey.get(key);
    if (known !== undefined) return known;
    const id = nodes.length;
    byKey.set(key, id);
    nodes.push({ key, parent, via, depth, enabled: m.enabled, alive: m.alive, edgeTid: [], edgeTo: [], snap: tracker.snapshot() });
    return id;
  };
  const first = newRun();
  const tracker = new StateTracker(space, first, log);
  if (first.outcome !== null) {
    fail(first);
    return { nodes, complete: true, ...(failure ? { failure } : {}), steps };
  }
  if (masks(first).enabled === 0) {
    first.declareDeadlock();
    fail(first);
    return { nodes, complete: true, ...(failure ? { failure } : {}), steps };
  }
  add(tracker, -1, -1, 0);
  let complete = true;
  for (let n = 0; n < nodes.length; n++) {
    const node = nodes[n] as GraphNode;
    const path = pathTo(nodes, n);
    for (let t = 0; t < scenario.length; t++) {
      if ((node.enabled & (1 << t)) === 0) continue;
      const run = newRun();
      for (const tid of path) run.replayStep(tid);
      steps += path.length + 1;
      tracker.restore(run, node.snap);
      tracker.step(t);
      if (run.outcome === null && masks(run).enabled === 0) run.declareDeadlock();
      if (run.outcome !== null) {
        fail(run);
        continue;
      }
      if (nodes.length >= maxStates && !byKey.has(tracker.stateId(masks(run).enabled))) {
        complete = false;
        continue;
      }
      const to = add(tracker, n, t, node.depth + 1);
      node.edgeTid.push(t);
      node.edgeTo.push(to);
    }
  }
  return { nodes, complete, ...(failure ? { failure } : {}), steps };
}

/** The schedule from the start to node `n` on the breadth-first tree. */
export function pathTo(nodes: readonly GraphNode[], n: number): number[] {
  const out: number[] = [];
  for (let i = n; i > 0; i = (nodes[i] as GraphNode).parent) out.push((nodes[i] as GraphNode).via);
  return out.reverse();
}
