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

/**
 * The points that `scheduleArbitrary` packs as `at * others + to`, in the order of their steps
 * (stable: of two points on one step the first stays first, and wins), so that
 * `PreemptionPoints` can use them as they are.
 */
function decodePoints(codes: readonly number[], others: number): ScheduleData {
  // An insertion as the points are made: a handful per run, where Array#sort took twice as long.
  const points: PreemptionPoint[] = [];
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    const to = code % others;
    const point = { at: (code - to) / others, to };
    let j = points.length;
    points.push(point);
    while (j > 0 && (points[j - 1] as PreemptionPoint).at > point.at) {
      points[j] = points[j - 1] as PreemptionPoint;
      j--;
    }
    points[j] = point;
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
  declare readonly name: string;
  /** The points that apply, in step order (of several on one step, the first given wins). */
  private declare readonly points: readonly PreemptionPoint[];
  /** Index into `points` of the first point not before the step asked last (steps are asked in order). */
  private declare cursor: number;
  /** Called at each step where a preemption was possible: (step, how many other threads). */
  declare onChoice: ((stepIndex: number, others: number) => void) | undefined;

  constructor(points: ScheduleData) {
    // Assigned here rather than as class fields, whose initializer would be a separate call.
    this.name = 'fast-check';
    this.cursor = 0;
    this.onChoice = undefined;
    this.points = inStepOrder(points) ? points : pointsInStepOrder(points);
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
    const points = this.points;
    const c = this.seek(stepIndex);
    return c < points.length ? (points[c] as PreemptionPoint).at : Infinity;
  }

  /** `to` of the point at `stepIndex`, if any: a cursor that moves forward as the run does. */
  private pointAt(stepIndex: number): number | undefined {
    const points = this.points;
    const c = this.seek(stepIndex);
    const p = points[c];
    return p !== undefined && p.at === stepIndex ? p.to : undefined;
  }

  /** Moves the cursor to the first point at or after `stepIndex` and returns it. */
  private seek(stepIndex: number): number {
    const points = this.points;
    let c = this.cursor;
    if (c > 0 && (points[c - 1] as PreemptionPoint).at >= stepIndex) c = 0; // asked out of order: start again
    while (c < points.length && (points[c] as PreemptionPoint).at < stepIndex) c++;
    this.cursor = c;
    return c;
  }
}

/** True when every point is on a whole step from 0, none on an earlier step than the one before. */
function inStepOrder(points: ScheduleData): boolean {
  let last = 0;
  for (let i = 0; i < points.length; i++) {
    const at = (points[i] as PreemptionPoint).at;
    if (!(at >= last) || !Number.isInteger(at)) return false;
    last = at;
  }
  return true;
}

/**
 * The points that apply (on whole steps from 0), in step order; of the points on one step the
 * first given stays first (a stable sort), and `seek` finds it first.
 */
function pointsInStepOrder(points: ScheduleData): PreemptionPoint[] {
  const out = points.filter((p) => p.at >= 0 && Number.isInteger(p.at));
  return out.sort((a, b) => a.at - b.at);
}
