import { Prng } from '../prng.js';
import type { Strategy } from './strategy.js';

/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS
 * 2010). Each execution gives the n threads distinct random priorities d..d+n-1 and picks d-1
 * change points among the first k steps; the highest-priority enabled thread always runs, and at
 * the i-th change point the running thread drops to priority i. A bug of depth d is found with
 * probability at least 1/(n k^(d-1)) per execution.
 *
 * Where it differs from the paper: k is not known in advance, so it starts at `initialSteps` and
 * follows the longest execution seen (as shuttle's pct.rs does).
 */
export class Pct implements Strategy {
  readonly name = 'pct';
  private readonly rng: Prng;
  private priorities: number[] = [];
  private changePoints: number[] = [];
  private maxSteps: number;

  constructor(
    seed: number,
    /** The bug depth d: d-1 priority change points per execution. */
    readonly depth = 3,
    initialSteps = 32,
  ) {
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError('PCT depth must be a whole number >= 1');
    this.rng = new Prng(seed);
    this.maxSteps = initialSteps;
  }

  beginExecution(threadCount: number): void {
    const order = Array.from({ length: threadCount }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.rng.below(i + 1);
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    this.priorities = new Array<number>(threadCount);
    order.forEach((tid, rank) => {
      this.priorities[tid] = this.depth + rank;
    });
    this.changePoints = [];
    for (let i = 1; i < this.depth; i++) this.changePoints.push(this.rng.below(this.maxSteps));
  }

  pick(enabled: readonly number[], count: number, current: number, stepIndex: number): number {
    for (let i = 0; i < this.changePoints.length; i++) {
      if (this.changePoints[i] === stepIndex && current !== -1) this.priorities[current] = i + 1;
    }
    let best = enabled[0] as number;
    for (let i = 1; i < count; i++) {
      const tid = enabled[i] as number;
      if ((this.priorities[tid] as number) > (this.priorities[best] as number)) best = tid;
    }
    return best;
  }

  endExecution(steps: number): void {
    if (steps > this.maxSteps) this.maxSteps = steps;
  }
}
