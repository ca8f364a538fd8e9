import { Prng } from '../prng.js';
import type { Strategy } from './strategy.js';

/** Uniform random walk: every step picks any enabled thread with equal chance, from a seed. */
export class RandomWalk implements Strategy {
  readonly name = 'random';
  private readonly rng: Prng;

  constructor(seed: number) {
    this.rng = new Prng(seed);
  }

  beginExecution(): void {}

  pick(enabled: readonly number[], count: number): number {
    return enabled[count === 1 ? 0 : this.rng.below(count)] as number;
  }
}
