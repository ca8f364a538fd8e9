import { EventSet } from '../relation/event-set.js';
import { Relation } from '../relation/relation.js';
import { Kind, Tag } from './tags.js';
import type { ThreadTrace } from './trace.js';

// An execution graph: the events of one run of every thread (and an initial write per location),
// program order and dependencies (its skeleton), then the reads-from and coherence choices. A graph
// may be partial (a read with no write chosen yet, a coherence order without every write): the
// relations below cover what is there, so a model can be asked about a graph under construction.

export interface GraphEvent {
  readonly id: number;
  /** -1 for an initial write. */
  readonly thread: number;
  /** Position in its thread's program order (-1 for an initial write). */
  readonly index: number;
  readonly kind: Kind;
  readonly loc: number;
  readonly value: number;
  readonly tags: number;
}

/** The value-independent part of a graph, shared by every rf/co choice over the same runs. */
export class Skeleton {
  readonly n: number;
  readonly events: readonly GraphEvent[];
  readonly locationCount: number;
  readonly threadCount: number;
  readonly po: Relation;
  readonly addr: Relation;
  readonly data: Relation;
  readonly ctrl: Relation;
  /** The read and write of each successful read-modify-write (spin_lock()'s too). */
  readonly rmw: Relation;
  readonly R: EventSet;
  readonly W: EventSet;
  readonly F: EventSet;
  /** Memory accesses: R ∪ W. */
  readonly M: EventSet;
  readonly IW: EventSet;
  /** Writes of each location, initial write first. */
  readonly writesOf: ReadonlyArray<readonly number[]>;
  readonly readsOf: ReadonlyArray<readonly number[]>;
  /**
   * Memoised value-independent relations of the models, shared by skeletons of the same shape
   * (the skeleton's own po, dependencies and event classes too): one memo per shape, never more.
   */
  readonly memo: Map<string, unknown>;
  private readonly tagSets: Map<number, EventSet>;

  constructor(traces: readonly ThreadTrace[], initValues: readonly number[], memo: Map<string, unknown>) {
    const events: GraphEvent[] = [];
    initValues.forEach((value, loc) => events.push({ id: loc, thread: -1, index: -1, kind: Kind.W, loc, value, tags: Tag.INIT }));
    traces.forEach((t, thread) => {
      t.events.forEach((e, index) => events.push({ id: events.length, thread, index, kind: e.kind, loc: e.loc, value: e.value, tags: e.tags }));
    });
    this.n = events.length;
    this.events = events;
    this.locationCount = initValues.length;
    this.threadCount = traces.length;
    this.memo = memo;
    // Everything but the values depends on the runs' shape alone: built once per shape.
    let parts = memo.get(SHAPE_PARTS) as ShapeParts | undefined;
    if (!parts) memo.set(SHAPE_PARTS, (parts = shapeParts(traces, events, initValues.length)));
    ({ po: this.po, addr: this.addr, data: this.data, ctrl: this.ctrl, rmw: this.rmw, R: this.R, W: this.W, F: this.F, M: this.M, IW: this.IW } = parts);
    this.writesOf = parts.writesOf;
    this.readsOf = parts.readsOf;
    this.tagSets = parts.tagSets;
  }

  /** For each event, the events of its thread (none for an initial write): herd's `int` as row masks. */
  get threadMasks(): readonly EventSet[] {
    return this.memoize('thread-masks', () => {
      const byThread = Array.from({ length: this.threadCount }, (_, t) => EventSet.filter(this.n, (e) => this.events[e]!.thread === t));
      const none = new EventSet(this.n);
      return this.events.map((e) => (e.thread < 0 ? none : byThread[e.thread]!));
    });
  }

  /** For each event, the events of its location (none for a fence without one): herd's `loc` as row masks. */
  get locationMasks(): readonly EventSet[] {
    return this.memoize('location-masks', () => {
      const byLoc = Array.from({ length: this.locationCount }, (_, l) => EventSet.filter(this.n, (e) => this.events[e]!.loc === l));
      const none = new EventSet(this.n);
      return this.events.map((e) => (e.loc < 0 ? none : byLoc[e.loc]!));
    });
  }

  /** The events with any of the tags `mask`. */
  tagged(mask: number): EventSet {
    let s = this.tagSets.get(mask);
    if (!s) {
      s = EventSet.filter(this.n, (e) => (this.events[e]!.tags & mask) !== 0);
      this.tagSets.set(mask, s);
    }
    return s;
  }

  /** Same thread (herd's `int`); an initial write is internal to none. */
  sameThread(a: number, b: number): boolean {
    const t = this.events[a]!.thread;
    return t >= 0 && t === this.events[b]!.thread;
  }

  /** Same location (herd's `loc`), for events that have one. */
  sameLoc(a: number, b: number): boolean {
    const l = this.events[a]!.loc;
    return l >= 0 && l === this.events[b]!.loc;
  }

  /** A value-independent relation, computed once per shape of the runs. */
  memoize<T>(key: string, make: () => T): T {
    const known = this.memo.get(key);
    if (known !== undefined || this.memo.has(key)) return known as T;
    const v = make();
    this.memo.set(key, v);
    return v;
  }
}

/** The memo key of a shape's {@link ShapeParts}. */
const SHAPE_PARTS = 'skeleton-shape';

/** What a skeleton holds that does not depend on the values read and written. */
interface ShapeParts {
  readonly po: Relation;
  readonly addr: Relation;
  readonly data: Relation;
  readonly ctrl: Relation;
  readonly rmw: Relation;
  readonly R: EventSet;
  readonly W: EventSet;
  readonly F: EventSet;
  readonly M: EventSet;
  readonly IW: EventSet;
  readonly writesOf: ReadonlyArray<readonly number[]>;
  readonly readsOf: ReadonlyArray<readonly number[]>;
  readonly tagSets: Map<number, EventSet>;
}

function shapeParts(traces: readonly ThreadTrace[], events: readonly GraphEvent[], locationCount: number): ShapeParts {
  const n = events.length;
  const po = new Relation(n);
  const addr = new Relation(n);
  const data = new Relation(n);
  const ctrl = new Relation(n);
  const rmw = new Relation(n);
  let b = locationCount;
  for (const t of traces) {
    const len = t.events.length;
    for (let i = 0; i < len; i++) {
      for (let j = i + 1; j < len; j++) po.set(b + i, b + j);
      const e = t.events[i]!;
      for (const s of e.addr) addr.set(b + s, b + i);
      for (const s of e.data) data.set(b + s, b + i);
      for (const s of e.ctrl) ctrl.set(b + s, b + i);
      if (e.rmwRead >= 0) rmw.set(b + e.rmwRead, b + i);
    }
    b += len;
  }
  const R = EventSet.filter(n, (e) => events[e]!.kind === Kind.R);
  const W = EventSet.filter(n, (e) => events[e]!.kind === Kind.W);
  const F = EventSet.filter(n, (e) => events[e]!.kind === Kind.F);
  const writesOf: number[][] = Array.from({ length: locationCount }, () => []);
  const readsOf: number[][] = Array.from({ length: locationCount }, () => []);
  for (const e of events) {
    if (e.kind === Kind.W) writesOf[e.loc]!.push(e.id);
    else if (e.kind === Kind.R) readsOf[e.loc]!.push(e.id);
  }
  const IW = EventSet.filter(n, (e) => events[e]!.thread < 0);
  return { po, addr, data, ctrl, rmw, R, W, F, M: R.union(W), IW, writesOf, readsOf, tagSets: new Map() };
}

/** A graph: a skeleton with reads-from and coherence chosen (possibly only in part). */
export class ExecutionGraph {
  readonly skeleton: Skeleton;
  /** For each read, the write it reads from; -1 for no choice yet (and for non-reads). */
  readonly rfOf: Int32Array;
  /** For each location, its writes in coherence order (the initial write first). */
  readonly co: ReadonlyArray<readonly number[]>;
  /**
   * Every location's rf and co were chosen coherent and atomic on their own (location-choices.ts,
   * for the enumerator's candidates): the coherence and atomicity axioms hold, unasked.
   */
  readonly coherentByLocation: boolean;
  private cached: { rf: Relation; co: Relation; fr: Relation } | null = null;

  constructor(skeleton: Skeleton, rfOf: Int32Array, co: ReadonlyArray<readonly number[]>, coherentByLocation = false) {
    this.skeleton = skeleton;
    this.rfOf = rfOf;
    this.co = co;
    this.coherentByLocation = coherentByLocation;
  }

  private build(): { rf: Relation; co: Relation; fr: Relation } {
    if (this.cached) return this.cached;
    const n = this.skeleton.n;
    const rf = new Relation(n);
    const co = new Relation(n);
    const fr = new Relation(n);
    const position = new Int32Array(n).fill(-1);
    for (const order of this.co) {
      for (let i = 0; i < order.length; i++) {
        const w = order[i]!;
        position[w] = i;
        for (let j = i + 1; j < order.length; j++) co.set(w, order[j]!);
      }
    }
    for (let r = 0; r < n; r++) {
      const w = this.rfOf[r]!;
      if (w < 0) continue;
      rf.set(w, r);
      const order = this.co[this.skeleton.events[w]!.loc]!;
      for (let j = position[w]! + 1; j < order.length; j++) fr.set(r, order[j]!);
    }
    this.cached = { rf, co, fr };
    return this.cached;
  }

  get rf(): Relation {
    return this.build().rf;
  }

  /** Coherence, transitive: w→w' when w comes before w' in its location's order. */
  get coRel(): Relation {
    return this.build().co;
  }

  /** From-reads: r→w' when r reads from a write coherence-before w'. */
  get fr(): Relation {
    return this.build().fr;
  }

  /** Each location's final value: its coherence-last write's. */
  finalValue(loc: number): number {
    const order = this.co[loc]!;
    return this.skeleton.events[order[order.length - 1]!]!.value;
  }
}
