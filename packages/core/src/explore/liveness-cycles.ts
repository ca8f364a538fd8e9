import type { GraphNode } from './liveness-graph.js';

/**
 * Which runs count as fair. `strong` (default): a thread enabled again and again is scheduled
 * again and again. A thread at an ordinary step stays enabled until it takes it, so for it this is
 * weak fairness (TLA+'s WF, Spin's -f); it differs only for a thread waiting at a lock or a
 * wait, which kernel locks serve in turn (qspinlock, qrwlock, a mutex's hand-off), so a run where
 * another thread retakes the lock each time it is free is not fair. `weak`: only a thread enabled
 * at every state of the cycle must be scheduled (such a lock starvation is then a livelock).
 */
export type Fairness = 'strong' | 'weak';

/** A cycle of the graph no fair run leaves and some thread never finishes in. */
export interface FairComponent {
  /** Its nodes. */
  readonly nodes: readonly number[];
  /** Threads that are not endless and not done in it: they never complete their operation. */
  readonly starving: number;
}

/** Strongly connected components of the subgraph on `within` (Tarjan's algorithm, iterative). */
function components(nodes: readonly GraphNode[], within: ReadonlySet<number>): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  let next = 0;
  for (const start of within) {
    if (index.has(start)) continue;
    const work: Array<[number, number]> = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1] as [number, number];
      const [v, i] = frame;
      const edges = (nodes[v] as GraphNode).edgeTo;
      if (i < edges.length) {
        frame[1] = i + 1;
        const w = edges[i] as number;
        if (!within.has(w)) continue;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent[0], Math.min(low.get(parent[0]) as number, low.get(v) as number));
      if (low.get(v) === index.get(v)) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack.delete(w);
          comp.push(w);
        } while (w !== v);
        out.push(comp);
      }
    }
  }
  return out;
}

/** Threads that step on an edge inside `set`; 0 when no edge stays inside (no cycle). */
export function takenWithin(nodes: readonly GraphNode[], set: ReadonlySet<number>): { taken: number; cyclic: boolean } {
  let taken = 0;
  let cyclic = false;
  for (const v of set) {
    const n = nodes[v] as GraphNode;
    for (let i = 0; i < n.edgeTo.length; i++) {
      if (set.has(n.edgeTo[i] as number)) {
        cyclic = true;
        taken |= 1 << (n.edgeTid[i] as number);
      }
    }
  }
  return { taken, cyclic };
}

/**
 * The fair components in which some thread starves: the components of the graph whose every
 * fair run through them all (one that takes every edge) is fair. A component that is not fair as
 * a whole has no fair cycle under weak fairness (a thread enabled everywhere in it never steps in
 * it); under strong fairness its states where an unscheduled thread is enabled are removed and
 * the rest searched again (Lichtenstein and Pnueli's algorithm for strong fairness, POPL 1985).
 */
export function fairStarvingComponents(nodes: readonly GraphNode[], endless: number, fairness: Fairness): FairComponent[] {
  const found: FairComponent[] = [];
  const search = (within: ReadonlySet<number>) => {
    for (const comp of components(nodes, within)) {
      const set = new Set(comp);
      const { taken, cyclic } = takenWithin(nodes, set);
      if (!cyclic) continue;
      // A thread that is not endless cannot finish inside a cycle (its operation index only grows).
      const starving = (nodes[comp[0] as number] as GraphNode).alive & ~endless;
      if (starving === 0) continue;
      let some = 0;
      let every = -1;
      for (const v of comp) {
        some |= (nodes[v] as GraphNode).enabled;
        every &= (nodes[v] as GraphNode).enabled;
      }
      const unfair = (fairness === 'weak' ? every : some) & ~taken;
      if (unfair === 0) found.push({ nodes: comp, starving });
      else if (fairness === 'strong') search(new Set(comp.filter((v) => ((nodes[v] as GraphNode).enabled & unfair) === 0)));
    }
  };
  search(new Set(nodes.keys()));
  return found;
}

/** Edges as (from, thread, to). */
type Edge = readonly [number, number, number];

/** A shortest path inside `set` from `from` to a node where `goal` holds (then the edge into it is the last one). */
function pathInside(nodes: readonly GraphNode[], set: ReadonlySet<number>, from: number, goal: (e: Edge) => boolean): Edge[] {
  const prev = new Map<number, Edge | null>([[from, null]]);
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q] as number;
    const n = nodes[v] as GraphNode;
    for (let i = 0; i < n.edgeTo.length; i++) {
      const w = n.edgeTo[i] as number;
      if (!set.has(w)) continue;
      const e: Edge = [v, n.edgeTid[i] as number, w];
      if (goal(e)) {
        const out: Edge[] = [e];
        for (let p = prev.get(v); p; p = prev.get(p[0])) out.push(p);
        return out.reverse();
      }
      if (!prev.has(w)) {
        prev.set(w, e);
        queue.push(w);
      }
    }
  }
  return [];
}

/**
 * A fair cycle of the component through `entry`, as the threads that step: closed walks from
 * `entry` are added, each through a step of a thread the cycle so far would leave unfairly
 * unscheduled (under weak fairness, or through a state where it is disabled), until none is left.
 * The first walk goes through a step of a starving thread when one steps in the component.
 */
export function fairCycle(nodes: readonly GraphNode[], comp: FairComponent, entry: number, fairness: Fairness): number[] {
  const set = new Set(comp.nodes);
  const { taken } = takenWithin(nodes, set);
  const walk: Edge[] = [];
  const closeVia = (goal: (e: Edge) => boolean) => {
    const there = pathInside(nodes, set, entry, goal);
    const end = there.length ? (there[there.length - 1] as Edge)[2] : entry;
    const back = end === entry ? [] : pathInside(nodes, set, end, (e) => e[2] === entry);
    walk.push(...there, ...back);
  };
  const starvingStep = comp.starving & taken;
  closeVia(starvingStep !== 0 ? (e) => (starvingStep & (1 << e[1])) !== 0 : () => true);
  for (let guard = 0; guard < 32; guard++) {
    let some = 0;
    let every = -1;
    let stepped = 0;
    for (const [from, tid] of walk) {
      some |= (nodes[from] as GraphNode).enabled;
      every &= (nodes[from] as GraphNode).enabled;
      stepped |= 1 << tid;
    }
    const unfair = (fairness === 'weak' ? every : some) & ~stepped;
    if (unfair === 0) break;
    const t = 31 - Math.clz32(unfair & -unfair);
    if ((taken & (1 << t)) !== 0) closeVia((e) => e[1] === t);
    else closeVia((e) => ((nodes[e[2]] as GraphNode).enabled & (1 << t)) === 0);
  }
  return walk.map((e) => e[1]);
}
