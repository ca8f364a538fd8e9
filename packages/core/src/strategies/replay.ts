import type { Strategy } from './strategy.js';

/** A recorded schedule does not fit the run (the model or scenario changed, or the token is wrong). */
export class ReplayMismatchError extends Error {
  override readonly name = 'ReplayMismatch';
}

/** Replays a recorded schedule exactly: step i is taken by `schedule[i]`. */
export class Replay implements Strategy {
  readonly name = 'replay';

  constructor(private readonly schedule: readonly number[]) {}

  beginExecution(): void {}

  pick(enabled: readonly number[], count: number, _current: number, stepIndex: number): number {
    const tid = this.schedule[stepIndex];
    if (tid === undefined) {
      throw new ReplayMismatchError(`the schedule has ${this.schedule.length} steps but the run goes on`);
    }
    for (let i = 0; i < count; i++) if (enabled[i] === tid) return tid;
    throw new ReplayMismatchError(`step ${stepIndex}: CPU${tid} cannot run there (enabled: ${enabled.slice(0, count).map((t) => `CPU${t}`).join(', ') || 'none'})`);
  }
}
