import { ExecutionGraph, Kind, MEMORY_MODELS, Skeleton, type MemoryModel, type TraceEvent } from '@kvmrace/memory/models';
import { describeValue } from '../describe-value.js';
import { ModelError } from '../faults.js';
import type { SimObject, WeakHooks } from '../sim-object.js';
import type { Outcome } from '../outcome.js';
import type { StaleRead, TraceEntry } from '../trace.js';
import type { WeakRunSnapshot } from './run-snapshot.js';

export type { WeakEventSnapshot, WeakRunSnapshot } from './run-snapshot.js';
import type { Chooser } from './chooser.js';
import { openSrcuUnlocks } from './srcu-closing.js';

/** A write in a location's coherence order: a thread's (its event index) or the initial value (thread -1). */
interface WriteRef {
  readonly thread: number;
  readonly index: number;
  readonly value: unknown;
  readonly valueId: number;
  /** The step that made it (-1: the initial value), for the notes of a trace. */
  readonly step: number;
}

/** One shared object's memory location: its writes in coherence order, the initial value first. */
interface Location {
  readonly id: number;
  readonly obj: SimObject;
  readonly co: WriteRef[];
}

const NONE: readonly number[] = [];

/**
 * The memory of one run under a weak memory model (`tso`, `lkmm`). The scheduler still interleaves
 * the threads' steps, but a read may read from any write of its location that the thread has not
 * seen overwritten (its coherence view onwards), and a write may take any place in its location's
 * coherence order after that view: each such choice comes from the run's `Chooser`. Every access,
 * fence, lock and SRCU event is recorded as an execution graph (program order, reads-from,
 * coherence) that `@kvmrace/memory`'s model judges after each step: a run whose graph becomes
 * inconsistent is dropped. The executions covered are those whose po ∪ rf is acyclic (no read
 * reads from a write that comes after it in its own interleaving), which leaves out load buffering.
 *
 * Objects keep their coherence-latest value as their `value`, which invariants read.
 */
export class WeakMemory implements WeakHooks {
  private readonly model: MemoryModel;
  private readonly events: TraceEvent[][];
  /** Per thread, per event: the write a read reads from. */
  private readonly rf: Array<Array<WriteRef | null>>;
  private readonly locations = new Map<SimObject, Location>();
  private readonly locationList: Location[] = [];
  /** Per thread: per location id, the coherence-latest write it has read or made. */
  private readonly views: Array<Map<number, WriteRef>>;
  private readonly valueIds = new Map<unknown, number>();
  /** Per thread: the open `srcu_read_lock()` reads of each srcu_struct, innermost last. */
  private readonly srcuLocks: Array<Map<SimObject, number[]>>;
  private dirty = false;
  /** The step running now, set by the run. */
  step = -1;
  /** Every choice made with more than one option, in order (a replay token's `choices`). */
  readonly choices: number[] = [];
  /** How many of those were not the sequentially consistent one: a counterexample's weak edges. */
  weakEdges = 0;
  /** What the current step did to memory that a trace should say (reads-from, barriers). */
  private notes: string[] = [];
  /** The values the current step's stale reads returned, by object, for its trace entry. */
  private readValues: Map<SimObject, unknown> | null = null;
  /** The current step's stale reads, for its trace entry. */
  private stale: StaleRead[] | null = null;
  /** The consistency verdict's flags of the last check (`data-race`). */
  flags: readonly string[] = [];
  /** The last check's racing pairs (graph ids). */
  private races: ReadonlyArray<readonly [number, number]> = [];
  /** Per thread, per event: the step that made it. */
  private readonly eventSteps: number[][];

  constructor(
    readonly memory: 'tso' | 'lkmm',
    /** The world whose `current` thread makes each access. */
    private readonly world: { readonly current: number },
    threadCount: number,
    private readonly chooser: Chooser,
    /** Barrier toggles turned off in this run (`read_seqcount_begin:smp_rmb`). */
    readonly without: ReadonlySet<string>,
    /** The barriers the model declares, or null to take any name. */
    private readonly known: ReadonlySet<string> | null,
    /** Whether the run keeps notes for its trace. */
    private readonly tracing: boolean,
  ) {
    this.model = MEMORY_MODELS[memory];
    this.events = Array.from({ length: threadCount }, () => []);
    this.rf = Array.from({ length: threadCount }, () => []);
    this.views = Array.from({ length: threadCount }, () => new Map());
    this.srcuLocks = Array.from({ length: threadCount }, () => new Map());
    this.eventSteps = Array.from({ length: threadCount }, () => []);
  }

  /** Events recorded so far, over every thread. */
  get eventCount(): number {
    let n = 0;
    for (const e of this.events) n += e.length;
    return n;
  }

  read(obj: SimObject, current: unknown, tags: number, accept?: (value: unknown) => boolean): unknown {
    const tid = this.thread();
    const loc = this.location(obj, current);
    const candidates = this.visible(tid, loc);
    const allowed = accept ? candidates.filter((w) => accept(w.value)) : candidates;
    if (allowed.length === 0) throw new ModelError(`no write of ${obj.name} that CPU${tid} may read is acceptable here (a blocking step enabled by mistake)`);
    const choice = this.choose(allowed.length);
    const w = allowed[choice] as WriteRef;
    this.push(tid, { kind: Kind.R, loc: loc.id, value: w.valueId, tags }, w);
    this.see(tid, loc, w);
    if (this.tracing && w !== loc.co[loc.co.length - 1]) {
      this.notes.push(this.staleNote(obj, loc, w));
      (this.readValues ??= new Map()).set(obj, w.value);
      const unseen = loc.co.slice(loc.co.indexOf(w) + 1).map((x) => x.step);
      (this.stale ??= []).push({ object: obj.name, value: describeValue(w.value), fromStep: w.step, fromThread: w.thread, unseen });
    }
    return w.value;
  }

  /** True when some write of `obj` that the running thread may read has a value `accept` takes. */
  canRead(obj: SimObject, current: unknown, tid: number, accept: (value: unknown) => boolean): boolean {
    const loc = this.location(obj, current);
    return this.visible(tid, loc).some((w) => accept(w.value));
  }

  write(obj: SimObject, current: unknown, tags: number, value: unknown): boolean {
    const tid = this.thread();
    const loc = this.location(obj, current);
    const view = this.viewOf(tid, loc);
    const after = loc.co.indexOf(view);
    const slots = loc.co.length - after;
    const choice = this.choose(slots);
    const w = this.push(tid, { kind: Kind.W, loc: loc.id, value: this.valueId(value), tags }, null, value);
    loc.co.splice(loc.co.length - choice, 0, w);
    this.see(tid, loc, w);
    if (this.tracing && choice > 0) this.notes.push(`${obj.name} = ${describeValue(value)} goes before ${choice === 1 ? 'a write' : `${choice} writes`} already made (coherence)`);
    return choice === 0;
  }

  rmw(obj: SimObject, current: unknown, readTags: number, writeTags: number, next: (old: unknown) => unknown): unknown {
    const tid = this.thread();
    const loc = this.location(obj, current);
    // Atomic: it reads the coherence-latest write and its write follows that one at once.
    const latest = loc.co[loc.co.length - 1] as WriteRef;
    const r = this.push(tid, { kind: Kind.R, loc: loc.id, value: latest.valueId, tags: readTags }, latest);
    const value = next(latest.value);
    const w = this.push(tid, { kind: Kind.W, loc: loc.id, value: this.valueId(value), tags: writeTags, rmwRead: r.index }, null, value);
    loc.co.push(w);
    this.see(tid, loc, w);
    return value;
  }

  readLatest(obj: SimObject, current: unknown, tags: number): void {
    const tid = this.thread();
    const loc = this.location(obj, current);
    const latest = loc.co[loc.co.length - 1] as WriteRef;
    this.push(tid, { kind: Kind.R, loc: loc.id, value: latest.valueId, tags }, latest);
    this.see(tid, loc, latest);
  }

  writeLatest(obj: SimObject, current: unknown, tags: number, value: unknown, data: readonly number[] = NONE): void {
    const tid = this.thread();
    const loc = this.location(obj, current);
    const w = this.push(tid, { kind: Kind.W, loc: loc.id, value: this.valueId(value), tags, data }, null, value);
    loc.co.push(w);
    this.see(tid, loc, w);
  }

  fence(tags: number, name: string): void {
    if (this.known !== null && !this.known.has(name)) {
      throw new ModelError(`barrier '${name}' is not declared: add it to the model's barriers`);
    }
    if (this.without.has(name)) {
      if (this.tracing) this.notes.push(`${name} removed`);
      return;
    }
    this.push(this.thread(), { kind: Kind.F, loc: -1, value: 0, tags }, null);
    if (this.tracing) this.notes.push(name.slice(name.indexOf(':') + 1));
  }

  event(tags: number): void {
    this.push(this.thread(), { kind: Kind.F, loc: -1, value: 0, tags }, null);
  }

  srcuReadLock(srcu: SimObject, tags: number): void {
    const tid = this.thread();
    const loc = this.location(srcu, 0);
    const latest = loc.co[loc.co.length - 1] as WriteRef;
    const r = this.push(tid, { kind: Kind.R, loc: loc.id, value: latest.valueId, tags }, latest);
    const open = this.srcuLocks[tid] as Map<SimObject, number[]>;
    const stack = open.get(srcu) ?? [];
    stack.push(r.index);
    open.set(srcu, stack);
  }

  srcuReadUnlock(srcu: SimObject, tags: number): void {
    const tid = this.thread();
    const stack = (this.srcuLocks[tid] as Map<SimObject, number[]>).get(srcu);
    const lockRead = stack?.pop();
    // srcu_read_unlock(ss, idx) writes the index its srcu_read_lock() returned: a data dependency,
    // which is how the LKMM matches an unlock with its lock.
    this.writeLatest(srcu, 0, tags, 0, lockRead === undefined ? NONE : [lockRead]);
  }

  synchronizeSrcu(srcu: SimObject, tags: number): void {
    const loc = this.location(srcu, 0);
    this.push(this.thread(), { kind: Kind.F, loc: loc.id, value: 0, tags }, null);
  }

  /** The trace entry of the step just taken, with what it did to memory added to its label. */
  noted(entry: TraceEntry): TraceEntry {
    const n = this.notes;
    if (n.length === 0) return entry;
    this.notes = [];
    const read = this.readValues;
    this.readValues = null;
    const stale = this.stale;
    this.stale = null;
    // A stale read shows the value it read, not the latest one the object holds.
    const accesses = read === null ? entry.accesses : entry.accesses.map((a) => {
      const obj = [...read.keys()].find((o) => o.name === a.name);
      return obj !== undefined && a.mode === 'read' ? { ...a, value: describeValue(read.get(obj)) } : a;
    });
    return { ...entry, label: `${entry.label} [${n.join('; ')}]`, accesses, ...(stale ? { staleReads: stale } : {}) };
  }

  /**
   * Judges the graph if the last step added to it: false when it is inconsistent under the model
   * (the run is to be dropped). Keeps the verdict's flags.
   */
  checkIfChanged(): boolean {
    // A step the chooser replays from an earlier run was judged then (the next real check judges all).
    if (!this.dirty || this.chooser.replaying?.() === true) return true;
    this.dirty = false;
    const verdict = this.model.check(this.graph());
    this.flags = verdict.flags;
    this.races = verdict.races ?? [];
    return verdict.consistent;
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
  private writeValue(t: number, index: number): unknown {
    for (const l of this.locationList) {
      const w = l.co.find((x) => x.thread === t && x.index === index);
      if (w) return w.value;
    }
    return undefined;
  }

  /**
   * The outcome of a finished run whose execution has a data race (the LKMM's, explanation.txt
   * §24), naming the first racing pair; null when it has none.
   */
  dataRace(step: number): Outcome | null {
    const pair = this.races[0];
    if (!this.flags.includes('data-race') || pair === undefined) return null;
    const [a, b] = pair.map((id) => this.describeEvent(id)) as [string, string];
    return { kind: 'data-race', message: `data race: ${a} and ${b}, unordered, one of them plain${this.races.length > 1 ? ` (and ${this.races.length - 1} more)` : ''}`, step };
  }

  /** An event of the graph (by id) in words: `CPU0's plain write of x at step 3`. */
  private describeEvent(id: number): string {
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

  /** A text that two runs share exactly when they built the same execution graph. */
  key(): string {
    const ref = (w: WriteRef | null): string => (w === null ? '' : `${w.thread}.${w.index}`);
    const threads = this.events.map((evs, t) => evs.map((e, i) => `${e.kind}${e.loc}=${e.value}/${e.tags}<${ref((this.rf[t] as Array<WriteRef | null>)[i] ?? null)}`).join(','));
    const co = this.locationList.map((l) => l.co.map(ref).join(','));
    return `${threads.join('|')}#${co.join('|')}`;
  }

  /** The execution graph so far, for the memory model. */
  graph(): ExecutionGraph {
    const locs = this.locationList;
    // Open SRCU sections closed where their threads are now (see srcu-closing.ts).
    const closing = openSrcuUnlocks(this.events, this.srcuLocks, (o) => (this.locations.get(o) as Location).id, this.valueId(0));
    const all = closing === null ? this.events : this.events.map((evs, t) => (closing[t]!.length === 0 ? evs : [...evs, ...closing[t]!]));
    const traces = all.map((events) => ({ events, registers: [] as number[], shape: '' }));
    const skeleton = new Skeleton(traces, locs.map((l) => (l.co.find((w) => w.thread < 0) as WriteRef).valueId), new Map());
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

  private thread(): number {
    const tid = this.world.current;
    if (tid < 0) throw new ModelError('a shared access outside any thread step');
    return tid;
  }

  private choose(count: number): number {
    if (count <= 1) return 0;
    const c = this.chooser.choose(count);
    this.choices.push(c);
    if (c !== 0) this.weakEdges++;
    return c;
  }

  private location(obj: SimObject, current: unknown): Location {
    let loc = this.locations.get(obj);
    if (loc === undefined) {
      loc = { id: this.locationList.length, obj, co: [{ thread: -1, index: -1, value: current, valueId: this.valueId(current), step: -1 }] };
      this.locations.set(obj, loc);
      this.locationList.push(loc);
      this.dirty = true;
    }
    return loc;
  }

  /** The writes of `loc` thread `tid` may read, the coherence-latest first. */
  private visible(tid: number, loc: Location): WriteRef[] {
    const from = loc.co.indexOf(this.viewOf(tid, loc));
    return loc.co.slice(from).reverse();
  }

  private viewOf(tid: number, loc: Location): WriteRef {
    return (this.views[tid] as Map<number, WriteRef>).get(loc.id) ?? (loc.co.find((w) => w.thread < 0) as WriteRef);
  }

  private see(tid: number, loc: Location, w: WriteRef): void {
    const views = this.views[tid] as Map<number, WriteRef>;
    const old = views.get(loc.id);
    if (old === undefined || loc.co.indexOf(old) < loc.co.indexOf(w)) views.set(loc.id, w);
  }

  private push(tid: number, e: { kind: Kind; loc: number; value: number; tags: number; data?: readonly number[]; rmwRead?: number }, rf: WriteRef | null, value?: unknown): WriteRef {
    const events = this.events[tid] as TraceEvent[];
    const index = events.length;
    events.push({ kind: e.kind, loc: e.loc, value: e.value, tags: e.tags, addr: NONE, data: e.data ?? NONE, ctrl: NONE, rmwRead: e.rmwRead ?? -1, choice: -1 });
    (this.rf[tid] as Array<WriteRef | null>).push(rf);
    (this.eventSteps[tid] as number[]).push(this.step);
    this.dirty = true;
    return { thread: tid, index, value, valueId: e.value, step: this.step };
  }

  private valueId(v: unknown): number {
    const key = typeof v === 'object' && v !== null ? v : describeValue(v) + typeof v;
    let id = this.valueIds.get(key);
    if (id === undefined) {
      id = this.valueIds.size;
      this.valueIds.set(key, id);
    }
    return id;
  }

  private staleNote(obj: SimObject, loc: Location, w: WriteRef): string {
    const from = w.thread < 0 ? 'the initial value' : `CPU${w.thread}'s write at step ${w.step + 1}`;
    const later = loc.co.slice(loc.co.indexOf(w) + 1).map((x) => (x.thread < 0 ? 'the initial value' : `CPU${x.thread}'s at step ${x.step + 1}`));
    return `reads ${obj.name} = ${describeValue(w.value)} from ${from}, not yet seeing ${later.join(', ')}`;
  }
}
