import { ExecutionGraph, Kind, Skeleton, type TraceEvent } from '@kvmrace/memory/models';
import { describeValue } from '../describe-value.js';
import { ModelError } from '../faults.js';
import type { SimObject } from '../sim-object.js';
import type { WeakRunSnapshot } from './run-snapshot.js';
import { openSrcuUnlocks } from './srcu-closing.js';
import { shapeMemo } from './shape-memo.js';
import { GraphKey } from './graph-key.js';

/** A write in a location's coherence order: a thread's (its event index) or the initial value (thread -1). */
export interface WriteRef {
  readonly thread: number;
  readonly index: number;
  readonly value: unknown;
  readonly valueId: number;
  /** The step that made it (-1: the initial value), for the notes of a trace. */
  readonly step: number;
  /** `thread.index`, as `key()` names it. */
  readonly ref: string;
}

/** One shared object's memory location: its writes in coherence order, the initial value first. */
export interface Location {
  readonly id: number;
  readonly obj: SimObject;
  readonly co: WriteRef[];
}

export const NONE: readonly number[] = [];

/** An event a step adds to its thread: what `push` records. */
export interface NewEvent {
  readonly kind: Kind;
  readonly loc: number;
  readonly value: number;
  readonly tags: number;
  readonly data?: readonly number[];
  readonly rmwRead?: number;
}

/**
 * The execution graph a run under weak memory builds: each thread's events in program order, the
 * write each read reads from, each location's writes in coherence order, and each thread's
 * coherence view (the latest write of each location it has read or made). `WeakMemory` adds the
 * choices and the primitives' hooks on top.
 */
export class WeakGraph {
  protected readonly events: TraceEvent[][];
  /** Per thread, per event: the write a read reads from. */
  protected readonly rf: Array<Array<WriteRef | null>>;
  protected readonly locations = new Map<SimObject, Location>();
  protected readonly locationList: Location[] = [];
  /** Per thread: per location id, the coherence-latest write it has read or made. */
  protected readonly views: Array<Map<number, WriteRef>>;
  protected readonly valueIds = new Map<unknown, number>();
  /** Per thread: the open `srcu_read_lock()` reads of each srcu_struct, innermost last. */
  protected readonly srcuLocks: Array<Map<SimObject, number[]>>;
  protected dirty = false;
  /** `key()` of the graph as it is, until an event or a location is added. */
  private keyText: string | null = null;
  /** The step running now, set by the run. */
  step = -1;
  /** Per thread, per event: the step that made it. */
  protected readonly eventSteps: number[][];
  /** Per thread: its events' shapes (kind, location, tags, dependencies), for `shapeMemo`. */
  private readonly shapes: string[];
  /** Per thread, per event: its text in `key()` before its value, and after it. */
  private readonly heads: string[][];
  private readonly tails: string[][];
  private readonly keys: GraphKey;

  constructor(
    /** The world whose `current` thread makes each access. */
    protected readonly world: { readonly current: number },
    threadCount: number,
  ) {
    this.events = Array.from({ length: threadCount }, () => []);
    this.rf = Array.from({ length: threadCount }, () => []);
    this.views = Array.from({ length: threadCount }, () => new Map());
    this.srcuLocks = Array.from({ length: threadCount }, () => new Map());
    this.eventSteps = Array.from({ length: threadCount }, () => []);
    this.shapes = new Array<string>(threadCount).fill('');
    this.heads = Array.from({ length: threadCount }, () => []);
    this.tails = Array.from({ length: threadCount }, () => []);
    this.keys = new GraphKey(threadCount);
  }

  /** Events recorded so far, over every thread. */
  get eventCount(): number {
    let n = 0;
    for (const e of this.events) n += e.length;
    return n;
  }

  /** The run's events by thread, with their locations' names and the values read and written. */
  snapshot(): WeakRunSnapshot {
    return {
      locations: this.locationList.map((l) => ({ name: l.obj.name, kind: (l.obj as { kind?: string }).kind ?? '', initial: (l.co.find((w) => w.thread < 0) as WriteRef).value })),
      threads: this.events.map((evs, t) =>
        evs.map((e, i) => {
          const rf = (this.rf[t] as Array<WriteRef | null>)[i] ?? null;
          const value = e.kind === 0 ? rf?.value : this.writeValue(t, i);
          return { kind: e.kind === 0 ? 'R' : e.kind === 1 ? 'W' : 'F', loc: e.loc, tags: e.tags, rmwRead: e.rmwRead, data: e.data, value } as const;
        }),
      ),
    };
  }

  /** The value the write `index` of thread `t` stored. */
  protected writeValue(t: number, index: number): unknown {
    for (const l of this.locationList) {
      const w = l.co.find((x) => x.thread === t && x.index === index);
      if (w) return w.value;
    }
    return undefined;
  }

  /** An event of the graph (by id) in words: `CPU0's plain write of x at step 3`. */
  protected describeEvent(id: number): string {
    let base = this.locationList.length;
    for (let t = 0; t < this.events.length; t++) {
      const evs = this.events[t] as TraceEvent[];
      if (id < base + evs.length) {
        const e = evs[id - base] as TraceEvent;
        const what = e.kind === Kind.R ? (e.tags === 0 ? 'plain read' : 'marked read') : e.tags === 0 ? 'plain write' : 'marked write';
        const name = this.locationList[e.loc]?.obj.name ?? '?';
        return `CPU${t}'s ${what} of ${name} at step ${((this.eventSteps[t] as number[])[id - base] ?? -1) + 1}`;
      }
      base += evs.length;
    }
    return `the initial value of ${this.locationList[id]?.obj.name ?? '?'}`;
  }

  /**
   * A text that two runs share exactly when they built the same execution graph. It names each
   * location by its object's id and each value by where it first appears in the text, so two runs
   * that touched the same locations, or met the same values, in another order still share it.
   */
  key(): string {
    if (this.keyText !== null) return this.keyText;
    this.keyText = this.keys.key(this.events, this.heads, this.tails, this.locationList);
    return this.keyText;
  }

  /** The execution graph so far, for the memory model. */
  graph(): ExecutionGraph {
    const locs = this.locationList;
    // Open SRCU sections closed where their threads are now (see srcu-closing.ts).
    const closing = openSrcuUnlocks(this.events, this.srcuLocks, (o) => (this.locations.get(o) as Location).id, this.valueId(0));
    const all = closing === null ? this.events : this.events.map((evs, t) => (closing[t]!.length === 0 ? evs : [...evs, ...closing[t]!]));
    const traces = all.map((events) => ({ events, registers: [] as number[], shape: '' }));
    const shape = closing === null ? this.shapes : this.shapes.map((s, t) => s + closing[t]!.map(eventShape).join(''));
    const skeleton = new Skeleton(traces, locs.map((l) => (l.co.find((w) => w.thread < 0) as WriteRef).valueId), shapeMemo(`${locs.length}#${shape.join('|')}`));
    const base: number[] = [];
    let next = locs.length;
    for (const evs of all) {
      base.push(next);
      next += evs.length;
    }
    const id = (w: WriteRef, loc: number): number => (w.thread < 0 ? loc : (base[w.thread] as number) + w.index);
    const rfOf = new Int32Array(skeleton.n).fill(-1);
    this.rf.forEach((reads, t) =>
      reads.forEach((w, i) => {
        if (w !== null) rfOf[(base[t] as number) + i] = id(w, (this.events[t] as TraceEvent[])[i]!.loc);
      }),
    );
    const co = locs.map((l) => l.co.map((w) => id(w, l.id)));
    closing?.forEach((evs, t) => evs.forEach((e, i) => (co[e.loc] as number[]).push((base[t] as number) + (this.events[t] as TraceEvent[]).length + i)));
    return new ExecutionGraph(skeleton, rfOf, co);
  }

  protected thread(): number {
    const tid = this.world.current;
    if (tid < 0) throw new ModelError('a shared access outside any thread step');
    return tid;
  }

  protected location(obj: SimObject, current: unknown): Location {
    let loc = this.locations.get(obj);
    if (loc === undefined) {
      loc = { id: this.locationList.length, obj, co: [{ thread: -1, index: -1, value: current, valueId: this.valueId(current), step: -1, ref: '-1.-1' }] };
      this.locations.set(obj, loc);
      this.locationList.push(loc);
      this.dirty = true;
      this.keyText = null;
    }
    return loc;
  }

  /** The writes of `loc` thread `tid` may read, the coherence-latest first. */
  protected visible(tid: number, loc: Location): WriteRef[] {
    const from = loc.co.indexOf(this.viewOf(tid, loc));
    return loc.co.slice(from).reverse();
  }

  protected viewOf(tid: number, loc: Location): WriteRef {
    return (this.views[tid] as Map<number, WriteRef>).get(loc.id) ?? (loc.co.find((w) => w.thread < 0) as WriteRef);
  }

  protected see(tid: number, loc: Location, w: WriteRef): void {
    const views = this.views[tid] as Map<number, WriteRef>;
    const old = views.get(loc.id);
    if (old === undefined || loc.co.indexOf(old) < loc.co.indexOf(w)) views.set(loc.id, w);
  }

  protected push(tid: number, e: NewEvent, rf: WriteRef | null, value?: unknown): WriteRef {
    const events = this.events[tid] as TraceEvent[];
    const index = events.length;
    const event: TraceEvent = { kind: e.kind, loc: e.loc, value: e.value, tags: e.tags, addr: NONE, data: e.data ?? NONE, ctrl: NONE, rmwRead: e.rmwRead ?? -1, choice: -1 };
    events.push(event);
    this.shapes[tid] += eventShape(event);
    (this.rf[tid] as Array<WriteRef | null>).push(rf);
    (this.eventSteps[tid] as number[]).push(this.step);
    (this.heads[tid] as string[]).push(`${event.kind}${event.loc < 0 ? '' : (this.locationList[event.loc] as Location).obj.id}=`);
    (this.tails[tid] as string[]).push(`/${event.tags}<${rf === null ? '' : rf.ref}${event.data.length > 0 ? `^${event.data.join(':')}` : ''}${event.rmwRead >= 0 ? `r${event.rmwRead}` : ''}`);
    this.dirty = true;
    this.keyText = null;
    return { thread: tid, index, value, valueId: e.value, step: this.step, ref: `${tid}.${index}` };
  }

  /** Takes back the last event of `tid` (a tentative one `push` just added), its shape being `shape` before. */
  protected unpush(tid: number, shape: string): void {
    (this.events[tid] as TraceEvent[]).pop();
    (this.rf[tid] as Array<WriteRef | null>).pop();
    (this.eventSteps[tid] as number[]).pop();
    (this.heads[tid] as string[]).pop();
    (this.tails[tid] as string[]).pop();
    this.keys.forget(tid, (this.events[tid] as TraceEvent[]).length);
    this.shapes[tid] = shape;
    this.keyText = null;
  }

  /** The shape text of `tid`'s events so far (for `unpush`). */
  protected shapeOf(tid: number): string {
    return this.shapes[tid] as string;
  }

  protected valueId(v: unknown): number {
    const key = typeof v === 'object' && v !== null ? v : describeValue(v) + typeof v;
    let id = this.valueIds.get(key);
    if (id === undefined) {
      id = this.valueIds.size;
      this.valueIds.set(key, id);
    }
    return id;
  }
}

/** What of an event the value-independent relations depend on (not its value). */
function eventShape(e: TraceEvent): string {
  return `${e.kind}.${e.loc}.${e.tags}.${e.data.join(':')}.${e.rmwRead};`;
}
