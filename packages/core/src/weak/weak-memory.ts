import { Kind, MARKED_TAGS, MEMORY_MODELS, Tag, type MemoryModel } from '@kvmrace/memory/models';
import { describeValue } from '../describe-value.js';
import { ModelError } from '../faults.js';
import type { SimObject, WeakHooks } from '../sim-object.js';
import type { Outcome } from '../outcome.js';
import type { StaleRead, TraceEntry } from '../trace.js';
export type { WeakEventSnapshot, WeakRunSnapshot } from './run-snapshot.js';
import type { Chooser } from './chooser.js';
import { BoundedMap } from './bounded-map.js';
import { NONE, WeakGraph, type Location, type NewEvent, type WriteRef } from './weak-graph.js';

/**
 * Keys of complete execution graphs the model found free of data races, per model, shared by the
 * runs of a search (many end in the same graph, and the data-race check is the costliest one);
 * bounded. Keyed by `key()` itself, which is one flat string (quick to hash and compare).
 */
const raceFree = { tso: new BoundedMap<true>(8192), lkmm: new BoundedMap<true>(8192) };

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
export class WeakMemory extends WeakGraph implements WeakHooks {
  private readonly model: MemoryModel;
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
  /** Whether events were added since the last check that the model has to judge (see `mayCycle`). */
  private mustCheck = false;
  /** Whether events were added since the last check at all (its flags may be out of date). */
  private flagsStale = false;
  /** Whether the run made a plain (unmarked) access: only then can it have a data race. */
  private plainAccess = false;
  /** Per thread: how many rcu_read_lock() sections are open (events inside them are judged). */
  private readonly openRcu: number[];
  /** Per thread: how many srcu_read_lock() sections are open, over every srcu_struct. */
  private readonly openSrcu: number[];

  constructor(
    readonly memory: 'tso' | 'lkmm',
    /** The world whose `current` thread makes each access. */
    world: { readonly current: number },
    threadCount: number,
    private readonly chooser: Chooser,
    /** Barrier toggles turned off in this run (`read_seqcount_begin:smp_rmb`). */
    readonly without: ReadonlySet<string>,
    /** The barriers the model declares, or null to take any name. */
    private readonly known: ReadonlySet<string> | null,
    /** Whether the run keeps notes for its trace. */
    private readonly tracing: boolean,
    /** Judge every step, not only those that may close a cycle (`WeakRunOptions.judgeEveryStep`). */
    private readonly judgeEveryStep = false,
  ) {
    super(world, threadCount);
    this.model = MEMORY_MODELS[memory];
    this.openRcu = new Array<number>(threadCount).fill(0);
    this.openSrcu = new Array<number>(threadCount).fill(0);
  }

  read(obj: SimObject, current: unknown, tags: number, accept?: (value: unknown) => boolean): unknown {
    const tid = this.thread();
    const loc = this.location(obj, current);
    const candidates = this.visible(tid, loc);
    const allowed = accept ? candidates.filter((w) => accept(w.value)) : candidates;
    if (allowed.length === 0) throw new ModelError(`no write of ${obj.name} that CPU${tid} may read is acceptable here (a blocking step enabled by mistake)`);
    const event = (w: WriteRef): NewEvent => ({ kind: Kind.R, loc: loc.id, value: w.valueId, tags });
    // A stale read is judged before it is offered (see `Chooser.chooseAmong`): only the writes
    // the graph allows it to read from count as options.
    const judged = this.chooser.chooseAmong !== undefined && allowed.length > 1;
    const choice = this.choose(allowed.length, (i) => this.consistentWith(tid, event(allowed[i] as WriteRef), allowed[i] as WriteRef));
    const w = allowed[choice] as WriteRef;
    const stale = w !== loc.co[loc.co.length - 1];
    if (stale) this.mayCycle();
    this.push(tid, event(w), w);
    // The graph with this read, and every event before it, was judged consistent just now.
    if (stale && judged) this.mustCheck = false;
    this.see(tid, loc, w);
    if (this.tracing && stale) {
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
    if (choice > 0) this.mayCycle();
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
    this.appendWrite(this.thread(), this.location(obj, current), tags, value, data);
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
    if (tags & (Tag.RCU_LOCK | Tag.RCU_UNLOCK | Tag.SYNC_RCU)) this.mayCycle();
    const tid = this.thread();
    if (tags & Tag.RCU_LOCK) this.openRcu[tid]!++;
    if (tags & Tag.RCU_UNLOCK && this.openRcu[tid]! > 0) this.openRcu[tid]!--;
    this.push(tid, { kind: Kind.F, loc: -1, value: 0, tags }, null);
  }

  // An IPI as the kernel orders it (kernel/smp.c): the sender queues the call with a fully ordered
  // llist_add() and, to wait, spins on the csd lock with an acquire; the target's handler runs
  // after it reads the queued call and releases the csd lock when done. Each target CPU is the
  // location of its call queue.
  ipiSent(targets: readonly SimObject[]): void {
    const tid = this.thread();
    this.push(tid, { kind: Kind.F, loc: -1, value: 0, tags: Tag.F_MB }, null);
    for (const cpu of targets) this.appendWrite(tid, this.location(cpu, 0), Tag.ONCE, 1);
  }

  ipiTaken(cpu: SimObject, tid: number): void {
    const loc = this.location(cpu, 0);
    const latest = loc.co[loc.co.length - 1] as WriteRef;
    this.push(tid, { kind: Kind.R, loc: loc.id, value: latest.valueId, tags: Tag.ACQUIRE }, latest);
    this.see(tid, loc, latest);
    this.push(tid, { kind: Kind.F, loc: -1, value: 0, tags: Tag.F_MB }, null);
    this.appendWrite(tid, loc, Tag.RELEASE, 2);
  }

  ipiWaited(targets: readonly SimObject[]): void {
    const tid = this.thread();
    for (const cpu of targets) this.readLatest(cpu, 0, Tag.ACQUIRE);
    this.push(tid, { kind: Kind.F, loc: -1, value: 0, tags: Tag.F_MB }, null);
  }

  /** A write by `tid` that becomes its location's coherence-latest. */
  private appendWrite(tid: number, loc: Location, tags: number, value: unknown, data: readonly number[] = NONE): void {
    const w = this.push(tid, { kind: Kind.W, loc: loc.id, value: this.valueId(value), tags, data }, null, value);
    loc.co.push(w);
    this.see(tid, loc, w);
  }

  srcuReadLock(srcu: SimObject, tags: number): void {
    this.mayCycle();
    const tid = this.thread();
    const loc = this.location(srcu, 0);
    const latest = loc.co[loc.co.length - 1] as WriteRef;
    const r = this.push(tid, { kind: Kind.R, loc: loc.id, value: latest.valueId, tags }, latest);
    const open = this.srcuLocks[tid] as Map<SimObject, number[]>;
    const stack = open.get(srcu) ?? [];
    stack.push(r.index);
    open.set(srcu, stack);
    this.openSrcu[tid]!++;
  }

  srcuReadUnlock(srcu: SimObject, tags: number): void {
    this.mayCycle();
    const tid = this.thread();
    const stack = (this.srcuLocks[tid] as Map<SimObject, number[]>).get(srcu);
    const lockRead = stack?.pop();
    if (lockRead !== undefined) this.openSrcu[tid]!--;
    // srcu_read_unlock(ss, idx) writes the index its srcu_read_lock() returned: a data dependency,
    // which is how the LKMM matches an unlock with its lock.
    this.writeLatest(srcu, 0, tags, 0, lockRead === undefined ? NONE : [lockRead]);
  }

  synchronizeSrcu(srcu: SimObject, tags: number): void {
    this.mayCycle();
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
   *
   * A step whose events could not close a cycle is not judged: the graph before it was consistent,
   * so it still is. The models' axioms are acyclicity (or irreflexivity) of relations built from
   * po, rf, co, fr and the dependencies by union, sequence and closure, and an event from which no
   * edge leads to an earlier event (a read of the coherence-latest write, a write made
   * coherence-latest, a fence; outside any RCU or SRCU section, whose unlock leads back to its
   * lock) adds no path that returns. Every other step, `mayCycle`, is judged in full.
   */
  checkIfChanged(): boolean {
    if (!this.dirty) return true;
    this.dirty = false;
    this.flagsStale = true;
    // A step the chooser replays from an earlier run was judged then.
    if (this.chooser.replaying?.() === true || !(this.mustCheck || this.judgeEveryStep)) {
      this.mustCheck = false;
      return true;
    }
    return this.judge();
  }

  /**
   * Judges the graph. Unless `full` (or `judgeEveryStep`), a graph that sequential consistency
   * allows is taken as consistent without asking the weaker model, which allows all of those
   * (memory's model-inclusion test pins it) and is far slower to ask; its flags are then judged
   * later, if the run needs them (`dataRace`).
   */
  private judge(full = false): boolean {
    this.mustCheck = false;
    const graph = this.graph();
    if (!full && !this.judgeEveryStep && MEMORY_MODELS.sc.check(graph).consistent) return true;
    this.flagsStale = false;
    const verdict = this.model.check(graph);
    this.flags = verdict.flags;
    this.races = verdict.races ?? [];
    return verdict.consistent;
  }

  /**
   * The outcome of a finished run whose execution has a data race (the LKMM's, explanation.txt
   * §24), naming the first racing pair; null when it has none.
   */
  dataRace(step: number): Outcome | null {
    // The flags of a graph that steps were added to unjudged, judged now: only plain accesses race.
    if (this.flagsStale && this.plainAccess) {
      const graph = this.key();
      if (raceFree[this.memory].get(graph) === true) return null;
      this.judge(true);
      if (!this.flags.includes('data-race')) raceFree[this.memory].set(graph, true);
    }
    const pair = this.races[0];
    if (!this.flags.includes('data-race') || pair === undefined) return null;
    const [a, b] = pair.map((id) => this.describeEvent(id)) as [string, string];
    return { kind: 'data-race', message: `data race: ${a} and ${b}, unordered, one of them plain${this.races.length > 1 ? ` (and ${this.races.length - 1} more)` : ''}`, step };
  }

  /** The step being taken adds an event that an edge may leave towards earlier events: judge it. */
  private mayCycle(): void {
    this.mustCheck = true;
  }

  protected override push(tid: number, e: NewEvent, rf: WriteRef | null, value?: unknown): WriteRef {
    if (this.openRcu[tid] !== 0 || this.openSrcu[tid] !== 0) this.mayCycle();
    if (e.kind !== Kind.F && (e.tags & MARKED_TAGS) === 0) this.plainAccess = true;
    return super.push(tid, e, rf, value);
  }

  /** Whether the graph with the event `e` added to `tid` (reading from `rf`) is consistent; the event is taken back. */
  private consistentWith(tid: number, e: NewEvent, rf: WriteRef): boolean {
    const shape = this.shapeOf(tid);
    super.push(tid, e, rf);
    const graph = this.graph();
    const ok = MEMORY_MODELS.sc.check(graph).consistent || this.model.check(graph).consistent;
    this.unpush(tid, shape);
    return ok;
  }

  private choose(count: number, allowed?: (option: number) => boolean): number {
    if (count <= 1) return 0;
    const c = allowed !== undefined && this.chooser.chooseAmong !== undefined ? this.chooser.chooseAmong(count, allowed) : this.chooser.choose(count);
    this.choices.push(c);
    if (c !== 0) this.weakEdges++;
    return c;
  }

  private staleNote(obj: SimObject, loc: Location, w: WriteRef): string {
    const from = w.thread < 0 ? 'the initial value' : `CPU${w.thread}'s write at step ${w.step + 1}`;
    const later = loc.co.slice(loc.co.indexOf(w) + 1).map((x) => (x.thread < 0 ? 'the initial value' : `CPU${x.thread}'s at step ${x.step + 1}`));
    return `reads ${obj.name} = ${describeValue(w.value)} from ${from}, not yet seeing ${later.join(', ')}`;
  }
}
