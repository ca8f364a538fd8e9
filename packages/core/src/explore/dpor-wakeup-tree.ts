import { footprintsConflict, type Footprint } from './footprint.js';

/**
 * Wakeup trees: Algorithm 2 ("Optimal-DPOR") of Abdulla, Aronis, Jonsson and Sagonas, "Optimal
 * Dynamic Partial Order Reduction", POPL 2014, section 6. A state's wakeup tree holds, instead of
 * a backtrack set of threads, the sequences of steps that reverse each race found: after taking
 * the first step of a branch, the search follows that branch's subtree, so it reaches the reversed
 * race by the very steps that showed it and never ends with every enabled thread asleep (which
 * source sets alone leave to chance once three threads take part).
 */

/** A node of a wakeup tree: the next step of `tid`, and the tree to follow after it. */
export interface WakeupNode {
  readonly tid: number;
  readonly fp: Footprint;
  /** The footprint the step showed when it ran; false for a step that was only pending (declared footprint). */
  readonly observed: boolean;
  /** Ordered: the leftmost is explored first. */
  readonly children: WakeupNode[];
}

/** A step of a sequence to insert, with what happens-before needs (as `Event` in dpor-node.ts). */
export interface SequenceStep {
  readonly tid: number;
  readonly local: number;
  readonly vc: Int32Array;
  readonly fp: Footprint;
  readonly observed: boolean;
}

/**
 * The clock (over `n` threads) of `e'`, a step of `tid` (index `local` among its thread's steps, footprint `fp`) put
 * after the steps `v` (all but `e'` of `notdep(e_i).e'`; `cut`: the index in `v` of the step that
 * cut the run short, which `e'` depends on, or -1). The race made `e'` happen after `e_i`, so its
 * clock in the execution counts chains through events `v` leaves out; after `v` it happens after
 * only the steps of `v` it depends on (its own thread's, a conflict, the cut) and what happens
 * before those, whose clocks count no event `v` leaves out (such an event happens after `e_i`,
 * and so would they).
 */
export function clockWithin(v: readonly SequenceStep[], n: number, tid: number, local: number, fp: Footprint, cut: number): Int32Array {
  const out = new Int32Array(n);
  for (let k = 0; k < v.length; k++) {
    const s = v[k] as SequenceStep;
    if (s.tid !== tid && k !== cut && !footprintsConflict(s.fp, fp)) continue;
    for (let t = 0; t < n; t++) if ((s.vc[t] as number) > (out[t] as number)) out[t] = s.vc[t] as number;
  }
  out[tid] = local + 1;
  return out;
}

/** True when `a` happens before `b`, both steps of one execution. */
function before(a: SequenceStep, b: SequenceStep): boolean {
  return (b.vc[a.tid] as number) > a.local;
}

/**
 * The index of `tid`'s first step in `w` when that step is an initial of `w` (no step before it
 * in `w` happens before it: `w` can start with it), -1 when `tid` has a step in `w` that is not an
 * initial, or `w.length` when `tid` has no step in `w`.
 */
function initialIndex(w: readonly SequenceStep[], tid: number): number {
  let i = 0;
  while (i < w.length && (w[i] as SequenceStep).tid !== tid) i++;
  if (i === w.length) return i;
  const x = w[i] as SequenceStep;
  for (let j = 0; j < i; j++) if (before(w[j] as SequenceStep, x)) return -1;
  return i;
}

/** True when a step of `tid` with footprint `fp`, absent from `w`, is independent of every step of `w`. */
function independentOfAll(fp: Footprint, w: readonly SequenceStep[]): boolean {
  for (const s of w) if (!s.observed || footprintsConflict(fp, s.fp)) return false;
  return true;
}

/**
 * True when a step of `tid` (footprint `fp`, `observed` as in `WakeupNode`) is a weak initial of
 * `w`: an initial of it, or absent from it and independent of all of it. Either way an execution
 * that starts with that step can go on with `w`'s steps and is equivalent to one that starts
 * with `w` (up to where `w` ends). A pending step's declared footprint may miss what it writes,
 * so only an observed one counts as independent.
 */
export function isWeakInitial(w: readonly SequenceStep[], tid: number, fp: Footprint, observed: boolean): boolean {
  const i = initialIndex(w, tid);
  if (i < 0) return false;
  return i < w.length || (observed && independentOfAll(fp, w));
}

/**
 * True when a thread sleeping at a state (its pending step's footprint, and `cut`: deferred by the
 * cut-short rule, see dpor.ts) is a weak initial of `v` there: an order already explored or
 * covered starts like `v`. A deferred sleeper covers only the orders it begins, not those it
 * commutes with. `trustLast`: take the last step's footprint as complete even if only declared.
 */
export function sleeperCovers(sleep: ReadonlyMap<number, { readonly fp: Footprint; readonly cut: boolean }>, v: readonly SequenceStep[], trustLast = false): boolean {
  let w = v;
  if (trustLast) {
    const copy = v.slice();
    copy[v.length - 1] = { ...(v[v.length - 1] as SequenceStep), observed: true };
    w = copy;
  }
  for (const [q, s] of sleep) if (isWeakInitial(w, q, s.fp, !s.cut)) return true;
  return false;
}

/**
 * Inserts the sequence `w` into the wakeup tree whose root has `children` (the paper's
 * `insert[E](w, wut)`): it walks down the leftmost branch whose every step is a weak initial of
 * what is left of `w` (an initial is taken off `w`; a step independent of all of `w` leaves it
 * whole). Reaching a leaf, or using `w` up, means an explored branch already covers `w`: nothing
 * to add. Otherwise what is left of `w` becomes a new branch, the last child of the node reached.
 * True when a branch was added.
 */
export function insertSequence(children: WakeupNode[], w: SequenceStep[]): boolean {
  let level = children;
  let rest = w;
  for (;;) {
    if (rest.length === 0) return false;
    let match: WakeupNode | undefined;
    for (const c of level) {
      const i = initialIndex(rest, c.tid);
      if (i < 0) continue;
      if (i < rest.length) {
        rest = rest.slice(0, i).concat(rest.slice(i + 1));
        match = c;
        break;
      }
      if (c.observed && independentOfAll(c.fp, rest)) {
        match = c;
        break;
      }
    }
    if (!match) {
      level.push(chain(rest));
      return true;
    }
    if (match.children.length === 0) return false;
    level = match.children;
  }
}

/** The one-branch tree of the steps of `w`, in order. */
function chain(w: readonly SequenceStep[]): WakeupNode {
  let node: WakeupNode | undefined;
  for (let i = w.length - 1; i >= 0; i--) {
    const s = w[i] as SequenceStep;
    node = { tid: s.tid, fp: s.fp, observed: s.observed, children: node ? [node] : [] };
  }
  return node as WakeupNode;
}
