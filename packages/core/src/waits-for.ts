/**
 * Finds a cycle in the waits-for graph of blocked threads, as `[a, b, ..., a]`, or null when the
 * threads are blocked on something no thread holds (a lost wake-up, say).
 */
export function findWaitsForCycle(blocked: readonly number[], waitsFor: (tid: number) => readonly number[]): number[] | null {
  const state = new Map<number, 'open' | 'closed'>();
  const path: number[] = [];
  const visit = (tid: number): number[] | null => {
    state.set(tid, 'open');
    path.push(tid);
    for (const next of waitsFor(tid)) {
      const s = state.get(next);
      if (s === 'open') return [...path.slice(path.indexOf(next)), next];
      if (s === undefined && blocked.includes(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(tid, 'closed');
    return null;
  };
  for (const tid of blocked) {
    if (!state.has(tid)) {
      const found = visit(tid);
      if (found) return found;
    }
  }
  return null;
}
