import { compile, type AnyInvariant } from '../compiled-model.js';
import { firstViolation } from '../invariant-check.js';
import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import { Counter } from '../primitives/counter.js';
import { Var } from '../primitives/var.js';
import { GHOST_ID } from './footprint.js';
import { objectKey } from './object-key.js';
import { failureOf, type ExploreFailure } from './result.js';
import { serialize, type SerialContext } from './serialize.js';
import { recordInvariantReads } from './visibility.js';

/** What the checker needs of an event of an explored execution (see `Event` in dpor-search.ts). */
export interface CutEvent {
  readonly tid: number;
  /** Index among its thread's events. */
  readonly local: number;
  /** Per thread, how many of its events happen before this one (itself included). */
  readonly vc: Int32Array;
}

/** The model without the invariants checked after every step: the runs DPOR explores. */
export function withoutStateInvariants(model: AnyModel): AnyModel {
  let m = stripped.get(model);
  if (!m) {
    m = { ...model, invariants: model.invariants.filter((inv) => inv.at === 'end') };
    stripped.set(model, m);
  }
  return m;
}
const stripped = new WeakMap<AnyModel, AnyModel>();

/**
 * State invariants (checked after every step) as observers, not as dependence: DPOR explores one
 * interleaving per Mazurkiewicz trace of the model without them, and this checks them at every
 * state of every explored trace, the states its other interleavings pass through included. A
 * state reached by a prefix of an interleaving is the state of a downward-closed set of the
 * trace's events (an ideal, or consistent cut), and every reachable state is the state of an ideal
 * of some maximal trace, so checking every ideal checks every reachable state, and no step is made
 * dependent on another.
 *
 * The invariants read a set `visible` of objects (learnt as in `visibility.ts`; the search restarts
 * when it grows). Writes of one object are ordered by happens-before, so in an ideal each visible
 * object holds what its last writer there left, and the visible part of the ideals' states are
 * the ideals of the visible writes alone. Those are walked, each named by the values of the
 * visible objects (their keys, as the stateful search keys them): a value combination checked
 * once, in any execution, is not checked again. A new one is reached by replaying the events
 * under it (its visible writes and their past) in the order of the execution, mostly one or two
 * steps on from the last one checked, and the invariants are evaluated there.
 */
export class CutChecker {
  private readonly always: readonly AnyInvariant[];
  private readonly runModel: AnyModel;
  /** Visible states checked, as the key ids of the visible objects. */
  private readonly seen = new Set<string>();
  private readonly keyIds = new Map<string, number>();
  private readonly cx: SerialContext = { unique: false, tickets: new WeakMap(), stampTid: 0, stampContinued: 0, stampHist: 0 };
  private uniques = 0;
  /** The visible objects, in a fixed order, and their key ids in the initial state. */
  private readonly ids: number[];
  private initial: Int32Array | null = null;
  /** Per event position: the visible objects it wrote (as indexes into `ids`) and their key ids after it. */
  private readonly writes: number[][] = [];
  /** Set when an invariant read an object not in `visible` (which grew): the search must restart. */
  grew = false;
  /** Steps taken to reach the states checked. */
  steps = 0;
  /** Visible states checked. */
  checked = 0;
  private live: Run | null = null;
  private liveCut: Int32Array | null = null;

  constructor(
    private readonly model: AnyModel,
    private readonly fixes: ReadonlySet<string>,
    private readonly scenario: Scenario,
    private readonly maxSteps: number | undefined,
    private readonly visible: Set<number>,
  ) {
    this.always = compile(model).always;
    this.runModel = withoutStateInvariants(model);
    this.ids = [...visible].sort((a, b) => a - b);
  }

  /** Keys the visible objects of a run that has taken no step (once). */
  begin(run: Run): void {
    if (this.initial) return;
    this.initial = Int32Array.from(this.ids, (id) => this.keyOf(run, id));
  }

  /** Records what event `i` (just taken, observed footprint `fp`) left in the visible objects. */
  record(run: Run, i: number, fp: readonly number[]): void {
    const out: number[] = [];
    for (let k = 0; k < this.ids.length; k++) {
      const id = this.ids[k] as number;
      if (fp.includes(id * 2 + 1)) out.push(k, this.keyOf(run, id));
    }
    this.writes.length = i;
    this.writes.push(out);
  }

  /**
   * Checks the visible states of the execution `events` whose ideals contain the first `base`
   * events (a frozen prefix every execution takes), leaving out those with event `exclude` (a
   * step that faulted: the run stopped there and checked nothing after it). Reports each failure
   * found as a real run of the events under it (every invariant checked after every step, so it
   * ends at the first violation on the way). True when one was found.
   */
  check(events: readonly CutEvent[], base: number, exclude: number, stopAtFirst: boolean, onFailure: (f: ExploreFailure, run: Run) => void): boolean {
    const n = this.scenario.length;
    const m = exclude >= 0 ? exclude : events.length;
    // Per thread: positions of its visible writes, and how many of its first k events are ones.
    const vpos: number[][] = Array.from({ length: n }, () => []);
    const vcount: number[][] = Array.from({ length: n }, () => [0]);
    const start = new Int32Array(n);
    const baseCut = new Int32Array(n);
    const keys = Int32Array.from(this.initial as Int32Array);
    for (let i = 0; i < m; i++) {
      const e = events[i] as CutEvent;
      const w = this.writes[i] as number[];
      const counts = vcount[e.tid] as number[];
      counts.push((counts[counts.length - 1] as number) + (w.length > 0 ? 1 : 0));
      if (w.length > 0) (vpos[e.tid] as number[]).push(i);
      if (i < base) {
        baseCut[e.tid]!++;
        if (w.length > 0) start[e.tid]!++;
        for (let k = 0; k < w.length; k += 2) keys[w[k] as number] = w[k + 1] as number;
      }
    }
    this.live = null;
    const visited = new Set<string>();
    const stack: Array<{ cv: Int32Array; cut: Int32Array; keys: Int32Array }> = [{ cv: start, cut: baseCut, keys }];
    let found = false;
    while (stack.length > 0) {
      const { cv, cut, keys: at } = stack.pop()!;
      const key = at.join(',');
      if (!this.seen.has(key)) {
        this.seen.add(key);
        if (this.checkCut(events, cut)) {
          found = true;
          const run = this.failingRun(events, cut);
          const f = failureOf(run);
          if (f) onFailure(f, run);
          if (stopAtFirst) return true;
        }
        if (this.grew) return found;
      }
      for (let t = n - 1; t >= 0; t--) {
        const mine = vpos[t] as number[];
        const c = cv[t] as number;
        if (c >= mine.length) continue;
        const pos = mine[c] as number;
        const vc = (events[pos] as CutEvent).vc;
        let ok = true;
        for (let u = 0; u < n && ok; u++) if (u !== t && ((vcount[u] as number[])[vc[u] as number] as number) > (cv[u] as number)) ok = false;
        if (!ok) continue;
        const next = cv.slice();
        next[t] = c + 1;
        const code = next.join(',');
        if (visited.has(code)) continue;
        visited.add(code);
        const nextCut = cut.slice();
        for (let u = 0; u < n; u++) if ((vc[u] as number) > (nextCut[u] as number)) nextCut[u] = vc[u] as number;
        const nextKeys = at.slice();
        const w = this.writes[pos] as number[];
        for (let k = 0; k < w.length; k += 2) nextKeys[w[k] as number] = w[k + 1] as number;
        stack.push({ cv: next, cut: nextCut, keys: nextKeys });
      }
    }
    return found;
  }

  /** The key id of object `id`'s state in `run` (a Var by its value alone). */
  private keyOf(run: Run, id: number): number {
    const cx = this.cx;
    cx.unique = false;
    let key: string;
    if (id === GHOST_ID) key = serialize(run.state, cx, 0);
    else {
      const o = run.world.objects[id];
      if (!o) key = 'none';
      else if (o.constructor === Var || o.constructor === Counter) key = serialize((o as Var<unknown>).value, cx, 0);
      else key = objectKey(o, cx);
    }
    if (cx.unique) return -1 - this.uniques++; // not exactly serialisable: never the same
    const full = `${id}|${key}`;
    let k = this.keyIds.get(full);
    if (k === undefined) {
      k = this.keyIds.size;
      this.keyIds.set(full, k);
    }
    return k;
  }

  /** Checks the states along a frozen prefix (every execution takes it; checked once). */
  checkPrefix(prefix: readonly number[], onFailure: (f: ExploreFailure, run: Run) => void): boolean {
    const run = new Run(this.model, this.fixes, this.scenario, this.maxSteps !== undefined ? { maxSteps: this.maxSteps } : {});
    for (const tid of prefix) {
      if (run.outcome !== null) break;
      run.step(tid);
      this.steps++;
      if (recordInvariantReads(this.model, run.state, this.visible)) this.grew = true;
    }
    const f = failureOf(run);
    if (f && f.outcome.kind === 'violation' && f.outcome.thread === undefined) {
      onFailure(f, run);
      return true;
    }
    return false;
  }

  /** Moves the live run to the state of `cut` and checks the state invariants there. */
  private checkCut(events: readonly CutEvent[], cut: Int32Array): boolean {
    const n = cut.length;
    const byThread = threadsOf(events, n);
    let from = this.liveCut;
    if (this.live === null || from === null || !covers(cut, from)) {
      this.live = new Run(this.runModel, this.fixes, this.scenario, this.maxSteps !== undefined ? { maxSteps: this.maxSteps } : {});
      from = new Int32Array(n);
    }
    // The events of cut minus the live one, in execution order: each step's past is already taken.
    const todo: number[] = [];
    for (let t = 0; t < n; t++) for (let k = from[t] as number; k < (cut[t] as number); k++) todo.push(byThread[t]![k] as number);
    todo.sort((a, b) => a - b);
    const run = this.live;
    for (const i of todo) {
      run.replayStep((events[i] as CutEvent).tid);
      this.steps++;
    }
    this.liveCut = cut;
    this.checked++;
    const bad = firstViolation(this.always, run.state, run.steps - 1) !== null;
    if (recordInvariantReads(this.model, run.state, this.visible)) this.grew = true;
    return bad;
  }

  /**
   * A real run (every invariant checked after every step) of the events of `cut`, the running
   * thread kept on while it can (fewer preemptions to read); it ends at the first violation.
   */
  private failingRun(events: readonly CutEvent[], cut: Int32Array): Run {
    const n = cut.length;
    const byThread = threadsOf(events, n);
    const run = new Run(this.model, this.fixes, this.scenario, this.maxSteps !== undefined ? { maxSteps: this.maxSteps } : {});
    const at = new Int32Array(n);
    let last = -1;
    const ready = (t: number): boolean => {
      if ((at[t] as number) >= (cut[t] as number)) return false;
      const vc = (events[byThread[t]![at[t] as number] as number] as CutEvent).vc;
      for (let u = 0; u < n; u++) if (u !== t && (vc[u] as number) > (at[u] as number)) return false;
      return true;
    };
    while (run.outcome === null) {
      let t = last >= 0 && ready(last) ? last : -1;
      for (let u = 0; u < n && t < 0; u++) if (ready(u)) t = u;
      if (t < 0) break;
      run.step(t);
      this.steps++;
      at[t]!++;
      last = t;
    }
    return run;
  }
}

/** True when `a` includes `b` (every thread's count at least as large). */
function covers(a: Int32Array, b: Int32Array): boolean {
  for (let t = 0; t < a.length; t++) if ((a[t] as number) < (b[t] as number)) return false;
  return true;
}

/** Per thread, the positions of its events. */
function threadsOf(events: readonly CutEvent[], n: number): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < events.length; i++) (out[(events[i] as CutEvent).tid] as number[]).push(i);
  return out;
}
