/** A schedule as runs of one thread: `[[0, 5], [1, 4], [0, 2]]` is 0×5, 1×4, 0×2. */
export type ScheduleRuns = ReadonlyArray<readonly [thread: number, count: number]>;

/** Collapses a schedule into runs of one thread. */
export function toRuns(schedule: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const tid of schedule) {
    const last = runs[runs.length - 1];
    if (last && last[0] === tid) last[1]++;
    else runs.push([tid, 1]);
  }
  return runs;
}

/** Expands runs back into one thread id per step. */
export function fromRuns(runs: ScheduleRuns): number[] {
  const out: number[] = [];
  for (const [tid, count] of runs) for (let i = 0; i < count; i++) out.push(tid);
  return out;
}

/** Number of context switches (any change of thread, preemptive or not). */
export function contextSwitches(schedule: readonly number[]): number {
  let n = 0;
  for (let i = 1; i < schedule.length; i++) if (schedule[i] !== schedule[i - 1]) n++;
  return n;
}
