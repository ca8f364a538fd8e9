import type { Strategy } from '@kvmrace/core';

/**
 * Follows a scripted schedule as far as it can: step i goes to `script[i]` when that thread can
 * run; where it cannot (a fixed thread blocks on a lock the buggy one did not take) or the script
 * has ended, the lowest-numbered enabled thread runs. On a schedule that fits, it is `Replay`.
 */
export class FollowScript implements Strategy {
  readonly name = 'follow-script';
  /** Steps where the script could not be followed. */
  deviations = 0;

  constructor(private readonly script: readonly number[]) {}

  beginExecution(): void {
    this.deviations = 0;
  }

  pick(enabled: readonly number[], count: number, _current: number, stepIndex: number): number {
    const want = this.script[stepIndex];
    if (want !== undefined) for (let i = 0; i < count; i++) if (enabled[i] === want) return want;
    this.deviations++;
    return enabled[0] as number;
  }
}
