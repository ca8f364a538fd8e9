import type { Outcome } from './outcome.js';
import type { Step } from './step.js';

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

/** The outcome of a run where `blocked` threads (alive, none enabled) wait at their pending steps. */
export function deadlockOutcome(blocked: readonly number[], pending: (tid: number) => Step | null, step: number): Outcome {
  const cycle = findWaitsForCycle(blocked, (tid) => pending(tid)?.waitsFor?.(tid) ?? []);
  const what = blocked.map((tid) => `CPU${tid} at ${pending(tid)?.label ?? '?'}`).join('; ');
  return {
    kind: 'deadlock',
    message: cycle ? `waits-for cycle ${cycle.map((t) => `CPU${t}`).join(' -> ')}: ${what}` : `no thread can step: ${what}`,
    step,
    ...(cycle ? { cycle } : {}),
  };
}
