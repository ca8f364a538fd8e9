import fc from 'fast-check';
import type { Strategy } from '@kvmrace/core';

/**
 * One preemption point: at global step `at`, switch away from the running thread to one of the
 * other enabled threads, the `to`-th of them in id order (modulo how many there are).
 */
export interface PreemptionPoint {
  readonly at: number;
  readonly to: number;
}

/** A schedule as data: the preemption points; every other step follows the default. */
export type ScheduleData = readonly PreemptionPoint[];

/** Options of `scheduleArbitrary`. */
export interface ScheduleArbitraryOptions {
  /** Preemption points fall in steps 0..horizon-1 (default 64). */
  readonly horizon?: number;
  /** Most threads a scenario has (bounds `to`; default 4). */
  readonly threads?: number;
  /** Most preemption points (default 6). */
  readonly maxPreemptions?: number;
}

/**
 * Schedules as a list of preemption points. fast-check shrinks an array by removing elements
 * before shrinking them, so a failing schedule first loses preemptions, then its points move
 * earlier and pick lower threads. Every value is a legal schedule (see `PreemptionPoints`).
 *
 * Each point is drawn as one integer, `at * (threads - 1) + to`, rather than as a record of two:
 * half of fast-check's cost per run (a pfncache run is about 20 steps, so that cost shows), and
 * shrinking the integer towards 0 moves the point earlier first, then lowers `to`, as before.
 */
export function scheduleArbitrary(opts: ScheduleArbitraryOptions = {}): fc.Arbitrary<ScheduleData> {
  const horizon = Math.max(1, opts.horizon ?? 64);
  const others = Math.max(2, opts.threads ?? 4) - 1;
  return fc.array(fc.nat({ max: horizon * others - 1 }), { maxLength: opts.maxPreemptions ?? 6 }).map((codes) => decodePoints(codes, others));
}

/** The points that `scheduleArbitrary` packs as `at * others + to`. */
function decodePoints(codes: readonly number[], others: number): ScheduleData {
  const points = new Array<PreemptionPoint>(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    const to = code % others;
    points[i] = { at: (code - to) / others, to };
  }
  return points;
}

/**
 * Interprets schedule data as a core `Strategy`, leniently: without a point, keep running the
 * current thread, and when it cannot go on (blocked or done) pick the lowest enabled thread; at a
 * point, pick among the enabled threads other than the current one. A point past the end of the
 * run, or a second point on the same step, is ignored, so any data gives a legal schedule.
 */
export class PreemptionPoints implements Strategy {
  readonly name = 'fast-check';
  /** The steps that have a point, increasing, each once (the first point given for a step wins). */
  private readonly ats: number[];
  /** `to` of each of `ats`. */
  private readonly tos: number[];
  /** Index into `ats` of the first point not before the step asked last (steps are asked in order). */
  private cursor = 0;
  /** Called at each step where a preemption was possible: (step, how many other threads). */
  onChoice: ((stepIndex: number, others: number) => void) | undefined;

  constructor(points: ScheduleData) {
    const ats: number[] = [];
    const tos: number[] = [];
    for (let i = 0; i < points.length; i++) {
      const p = points[i] as PreemptionPoint;
      const at = p.at;
      // A step index is a whole number from 0: a point anywhere else never applies.
      if (!(at >= 0) || !Number.isInteger(at)) continue;
      // Insertion into the sorted list (a schedule has a handful of points), keeping the first.
      let j = ats.length;
      while (j > 0 && (ats[j - 1] as number) > at) j--;
      if (j > 0 && ats[j - 1] === at) continue;
      // Shift the later points up by one (splice would allocate the array of removed elements).
      ats.push(at);
      tos.push(p.to);
      for (let k = ats.length - 1; k > j; k--) {
        ats[k] = ats[k - 1] as number;
        tos[k] = tos[k - 1] as number;
      }
      ats[j] = at;
      tos[j] = p.to;
    }
    this.ats = ats;
    this.tos = tos;
  }

  beginExecution(): void {
    this.cursor = 0;
  }

  pick(enabled: readonly number[], count: number, current: number, stepIndex: number): number {
    let currentEnabled = false;
    for (let i = 0; i < count; i++) if (enabled[i] === current) currentEnabled = true;
    if (currentEnabled && count > 1 && this.onChoice) this.onChoice(stepIndex, count - 1);
    const to = this.pointAt(stepIndex);
    if (to !== undefined) {
      const others = currentEnabled ? count - 1 : count;
      if (others > 0) {
        let k = to % others;
        for (let i = 0; i < count; i++) {
          const tid = enabled[i] as number;
          if (tid === current) continue;
          if (k === 0) return tid;
          k--;
        }
      }
    }
    return currentEnabled ? current : (enabled[0] as number);
  }

  keepsCurrentUntil(stepIndex: number): number {
    // onChoice observes every step where a preemption was possible: then every step is asked.
    if (this.onChoice !== undefined) return stepIndex;
    const ats = this.ats;
    let c = this.cursor;
    if (c > 0 && (ats[c - 1] as number) >= stepIndex) c = 0;
    while (c < ats.length && (ats[c] as number) < stepIndex) c++;
    return c < ats.length ? (ats[c] as number) : Infinity;
  }

  /** `to` of the point at `stepIndex`, if any: a cursor that moves forward as the run does. */
  private pointAt(stepIndex: number): number | undefined {
    const ats = this.ats;
    let c = this.cursor;
    if (c > 0 && (ats[c - 1] as number) >= stepIndex) c = 0; // asked out of order: start again
    while (c < ats.length && (ats[c] as number) < stepIndex) c++;
    this.cursor = c;
    return c < ats.length && ats[c] === stepIndex ? this.tos[c] : undefined;
  }
}

