import { Counter } from '../primitives/counter.js';
import { Cpu } from '../primitives/cpus.js';
import { Lock } from '../primitives/lock.js';
import { RwLock } from '../primitives/rwlock.js';
import { SeqCount } from '../primitives/seqcount.js';
import { Srcu } from '../primitives/srcu.js';
import { Var } from '../primitives/var.js';
import type { AnyModel } from '../model.js';
import type { Run } from '../run.js';
import type { Thread } from '../thread.js';
import { SimObject } from '../sim-object.js';
import { World } from '../world.js';
import { addRead, addWrite, declaredFootprint, GHOST_ID } from './footprint.js';
import { ghostTape, NO_TAPE, sameAsTape, type GhostTape } from './ghost-tape.js';
import { TupleTable } from './tuple-table.js';

/**
 * The identity of an explored state, for stateful exploration: two schedule prefixes with the
 * same identity have the same future (the same steps enabled, the same effects, the same
 * outcomes), so the subtree of the second need not be explored again.
 *
 * Threads are generators, whose locals cannot be read. A generator is deterministic: its locals
 * after k steps are a function of what its effects observed. So a thread is identified by a
 * running record of, per step, the step's label and what the step's effect could observe: the
 * values (with `Var` versions) of the objects its step declares, of the `Var`s it changed without
 * declaring them (an IPI handler), of the `Var`s its next step waits on (`awaitChange` snapshots
 * their versions in this effect), and the whole ghost state when the step changed a ghost field.
 * A one-step `Var` operation (read, write, update) shows its thread only what it returns, so for
 * it that value is recorded instead. The record restarts when the thread starts an operation (a
 * fresh generator: the earlier operation's locals are gone; see `trackedModel`) and is dropped when
 * the thread finishes. Records are hash-consed into small integers (exact: no hash collisions).
 *
 * The shared part is every object's value (all own fields of every `SimObject` except its
 * identity and cached steps, `Var` values and versions through the public API), the model
 * state's plain (ghost) fields, serialised exactly, and the number of steps taken (the step
 * budget counts them). A queued IPI is named by its sender's records at the sending step: its
 * handler closes over those locals. A value that cannot be serialised exactly (a function, a
 * symbol) makes the state unique: it never matches another, which is always sound.
 *
 * Assumptions (those the DPOR footprint observer makes too): a step's effect reads only shared
 * objects its step declares (plus the cases above), and ghost fields only in steps that change
 * some ghost field; an `enabled` predicate reads only its step's objects; non-`Var` objects change
 * only in steps that declare a write of them; a `Var` changes only by assignment (its version
 * moves); IPI handlers write shared state, not their sender's locals; thread programs keep no
 * state outside their generator and the model state.
 */
export class StateSpace {
  /**
   * Thread records: a record is the tuple of the record it extends (0: none) and one
   * observation's integers (see `StateTracker.after`), or `[0, MARK, mark id]`, or `[0, DONE]`.
   */
  private readonly histories = new TupleTable();
  /**
   * Whole states: the ghost state's id and the objects' key ids (or one fresh negative id when one
   * of them cannot be serialised exactly), the step count, the threads' records, the extra value.
   */
  private readonly states = new TupleTable();
  private readonly values = new Map<string, number>();
  private readonly labels = new Map<string, number>();
  private readonly marks = new Map<string, number>();
  /** Per version, primitive values to their key id. */
  private readonly vars = new Map<number, Map<unknown, number>>();
  /** Primitive values a one-step operation returned, to the id of their serialisation. */
  private readonly results = new Map<unknown, number>();
  private uniques = 0;

  /** The id of a thread record extended by one observation (`obs[0..len)`, from `StateTracker.after`). */
  extend(prev: number, obs: Int32Array, len: number): number {
    const t = this.histories;
    t.clear();
    t.push(prev);
    for (let i = 0; i < len; i++) t.push(obs[i] as number);
    return t.intern();
  }

  /** The record of a thread that has just started an operation (named by `mark`). */
  started(mark: string): number {
    let m = this.marks.get(mark);
    if (m === undefined) {
      // Stryker disable next-line ArithmeticOperator: mark ids need only be distinct
      m = this.marks.size + 1;
      this.marks.set(mark, m);
    }
    const t = this.histories;
    t.clear();
    t.push(0);
    t.push(OBS_MARK);
    t.push(m);
    return t.intern();
  }

  /** The record of a finished thread. */
  done(): number {
    const t = this.histories;
    t.clear();
    t.push(0);
    t.push(OBS_DONE);
    return t.intern();
  }

  /** The id of a whole state (see `StateTracker.stateId`); `unique`: it has a value that cannot be serialised exactly. */
  stateId(unique: boolean, ghostId: number, keyIds: readonly number[], steps: number, history: readonly number[], extra: number | undefined): number {
    const t = this.states;
    t.clear();
    if (unique) {
      t.push(this.unique());
    } else {
      t.push(ghostId);
      t.pushAll(keyIds);
    }
    t.push(steps);
    t.pushAll(history);
    if (extra !== undefined) t.push(extra);
    return t.intern();
  }

  /** The id of what a one-step operation returned (`-1`: it cannot be serialised exactly; `cx.unique` is set). */
  resultId(value: unknown, cx: SerialContext): number {
    if (value !== null && (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol')) {
      const key = serialize(value, cx, 0);
      // Stryker disable next-line UnaryOperator: after() marks an unserialisable result unique by cx.unique, whatever this id
      return cx.unique ? -1 : this.valueId(key);
    }
    // Stryker disable next-line UnaryOperator: either zero may take the symbol: the two zeros still have different cache keys
    const k = Object.is(value, -0) ? MINUS_ZERO : value;
    let id = this.results.get(k);
    if (id === undefined) {
      id = this.valueId(serialize(value, cx, 0));
      this.results.set(k, id);
    }
    return id;
  }

  /** A small id for a step label (labels are mostly the same few strings). */
  labelId(label: string): number {
    let id = this.labels.get(label);
    if (id === undefined) {
      // Stryker disable next-line ArithmeticOperator: label ids need only be distinct
      id = this.labels.size + 1;
      this.labels.set(label, id);
    }
    return id;
  }

  /** A small id for a variable's value and version, without serialising a primitive value. */
  varId(value: unknown, version: number, cx: SerialContext): number {
    if (value !== null && (typeof value === 'object' || typeof value === 'function' || typeof value === 'symbol')) {
      const key = `v=${serialize(value, cx, 0)}@${version}`;
      return cx.unique ? -1 : this.valueId(key);
    }
    let byValue = this.vars.get(version);
    if (byValue === undefined) this.vars.set(version, (byValue = new Map()));
    // Map keys compare with SameValueZero: tell -0 from 0 (NaN is one value, as it should be).
    // Stryker disable next-line UnaryOperator: either zero may take the symbol: the two zeros still have different cache keys
    const k = Object.is(value, -0) ? MINUS_ZERO : value;
    let id = byValue.get(k);
    if (id === undefined) {
      id = this.valueId(`v=${serialize(value, cx, 0)}@${version}`);
      byValue.set(k, id);
    }
    return id;
  }

  /** A small id for a serialised value (object keys, ghost states). */
  valueId(key: string): number {
    let id = this.values.get(key);
    if (id === undefined) {
      id = this.values.size + 1;
      this.values.set(key, id);
    }
    return id;
  }

  /** A fresh id no other state has. */
  unique(): number {
    return -++this.uniques;
  }
}

/**
 * Where a run's model reports each operation a thread starts (see `trackedModel`): a new
 * operation runs in a fresh generator, so the locals of the thread's earlier operations are gone
 * and its record restarts from a mark naming the operation.
 */
export class OpLog {
  /** Per thread, the mark of an operation started since the tracker last looked. */
  readonly marks: Array<string | undefined> = [];
  private readonly started: number[] = [];

  /** Resets the per-run counts (a new run starts). */
  reset(): void {
    this.marks.length = 0;
    this.started.length = 0;
  }

  /** Called as thread `tid` starts an operation. */
  start(tid: number, op: string, fnStack: readonly string[]): void {
    const k = this.started[tid] ?? 0;
    // Stryker disable next-line ArithmeticOperator: the count need only differ between the operations of a thread
    this.started[tid] = k + 1;
    this.marks[tid] = `op${k}:${op}:${fnStack.join('/')}`;
  }
}

const trackedModels = new WeakMap<AnyModel, WeakMap<OpLog, AnyModel>>();

/** The model with every operation reporting its start to `log` (same behaviour otherwise). */
export function trackedModel(model: AnyModel, log: OpLog): AnyModel {
  let byLog = trackedModels.get(model);
  if (!byLog) trackedModels.set(model, (byLog = new WeakMap()));
  let m = byLog.get(log);
  if (m) return m;
  const operations: Record<string, AnyModel['operations'][string]> = {};
  for (const name of Object.keys(model.operations)) {
    const spec = model.operations[name] as AnyModel['operations'][string];
    operations[name] = {
      ...spec,
      run(state: unknown, t: Thread<string>) {
        log.start(t.tid, name, (t as { fnStack?: readonly string[] }).fnStack ?? []);
        return spec.run.call(spec, state as never, t);
      },
    } as AnyModel['operations'][string];
  }
  m = { ...model, operations } as AnyModel;
  byLog.set(log, m);
  return m;
}

/** What a tracker needs to resume at a state after the run was replayed to it. */
export interface TrackerSnapshot {
  readonly keyIds: readonly number[];
  readonly ghost: string;
  readonly ghostUnique: boolean;
  readonly ghostId: number;
  /** A record of the ghost state `ghost` was serialised from (see `ghost-tape.ts`). */
  readonly ghostTape?: GhostTape;
  readonly history: readonly number[];
  readonly counts: readonly number[];
  /** Per CPU, the names of its queued IPIs in queue order. */
  readonly tickets: readonly (readonly string[])[];
}

/**
 * Follows one run step by step and keeps its state identity (see `StateSpace`). Use `step` (or
 * `before`/`after` around a step taken elsewhere) for every step of the run.
 */
export class StateTracker {
  /** Per object, its key's small id (negative: a value that cannot be serialised exactly). */
  private keyIds: number[] = [];
  /** The run's `Var`s, and their versions before the step in progress. */
  private vars: Var<unknown>[] = [];
  private versions: number[] = [];
  private ghost = '';
  private ghostUnique = false;
  private ghostId = 0;
  /** A record of the ghost state as last serialised, to skip re-serialising it. */
  private ghostTape: GhostTape = NO_TAPE;
  private history: number[];
  private counts: number[];
  private readonly tickets = new WeakMap<object, string>();
  private readonly cx: SerialContext;
  // Pre-step data of the step in progress.
  private preTid = -1;
  private preLabel = '';
  private preFp: number[] = [];
  private readonly changed: number[] = [];
  private preIds: number[] = [];
  /** The observation of the step in progress, as integers (see `after`). */
  private obs = new Int32Array(32);
  private obsLen = 0;
  /** Calls of a `Var`'s step effect during the step in progress, and the last one's target and result. */
  private effects = 0;
  /** The `Var`s of this run whose step effect is wrapped. */
  private readonly wrapped = new WeakSet<object>();
  private effectTarget: SimObject | null = null;
  private effectResult: unknown = undefined;

  constructor(
    private readonly space: StateSpace,
    private run: Run,
    /** The log the run's model (`trackedModel`) reports operation starts to, if any. */
    private readonly log?: OpLog,
  ) {
    const n = run.threadCount;
    this.history = new Array<number>(n).fill(0);
    this.counts = new Array<number>(n).fill(0);
    this.cx = { unique: false, tickets: this.tickets, stampTid: 0, stampContinued: 0, stampHist: 0 };
    for (let t = 0; t < n; t++) {
      const mark = log?.marks[t];
      if (mark !== undefined) this.history[t] = space.started(mark);
      else if (!run.isAlive(t)) this.history[t] = space.done();
    }
    if (log) log.marks.length = 0;
    this.rekeyAll();
  }

  /** The run followed. */
  get current(): Run {
    return this.run;
  }

  /** Takes one step of `tid` and returns its observed footprint (as `FootprintObserver.step`). */
  step(tid: number): number[] {
    this.before(tid);
    this.run.step(tid);
    return this.after();
  }

  /** Records what the state is before `tid` steps (call, then step the run, then `after`). */
  before(tid: number): void {
    const run = this.run;
    const step = run.pendingStep(tid);
    if (!step) throw new Error(`CPU${tid} has no step to take`);
    this.preTid = tid;
    this.preLabel = step.label;
    const fp = declaredFootprint(step);
    this.preFp = fp;
    // The objects it declares, in order (indexed loops: a cold `for...of` allocates per element).
    const ids = this.preIds;
    ids.length = 0;
    for (let i = 0; i < fp.length; i++) {
      const id = (fp[i] as number) >> 1;
      if (!ids.includes(id)) ids.push(id);
    }
    const objects = run.world.objects;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: after() keys every object a step made, so the lengths match here; re-keying gives the same keys
    if (objects.length !== this.keyIds.length) this.rekeyAll();
    if (ids.length === 1) {
      const o = objects[ids[0] as number];
      if (o instanceof Var && !this.wrapped.has(o)) this.wrap(o);
    }
    this.effects = 0;
    const versions = this.versions;
    const vars = this.vars;
    for (let i = 0; i < vars.length; i++) versions[i] = (vars[i] as Var<unknown>).version;
  }

  /** Updates the identity after the step `before` announced; returns its observed footprint. */
  after(): number[] {
    const run = this.run;
    const tid = this.preTid;
    const fp = this.preFp;
    const ids = this.preIds;
    const objects = run.world.objects;
    const keyIds = this.keyIds;
    const known = keyIds.length;
    // What the effect could have observed (pre-step keys: the cache still holds them), as
    // integers: the label's id, then segments, each told apart by its first integer: an object
    // id (>= 0) and its key id; `OBS_RESULT` and a result's id; `OBS_UNIQUE` and a fresh id;
    // `OBS_GHOST` and the ghost state's id before the step.
    this.obsLen = 0;
    this.pushObs(this.space.labelId(this.preLabel));
    // A one-step `Var` operation (read, write, update) shows its thread only what it returns:
    // after it the variable holds the written value, the returned one, or the one read.
    const next = run.pendingStep(tid);
    const target = this.effectTarget;
    const returned = ids.length === 1 && this.effects === 1 && target instanceof Var && target.id === ids[0] && !(next?.enabled && next.accesses.some((a) => a.obj === target));
    if (returned) {
      this.cx.unique = false;
      this.pushObs(OBS_RESULT);
      this.pushObs(this.space.resultId(this.effectResult, this.cx));
      if (this.cx.unique) {
        this.pushObs(OBS_UNIQUE);
        this.pushObs(this.space.unique());
      }
    } else {
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k] as number;
        this.pushObs(id);
        this.pushObs(keyIds[id] ?? OBS_UNKNOWN);
      }
    }
    this.effectTarget = null;
    this.effectResult = undefined;
    const changed = this.changed;
    changed.length = 0;
    const vars = this.vars;
    const versions = this.versions;
    for (let j = 0; j < vars.length; j++) {
      const o = vars[j] as Var<unknown>;
      if (o.version !== versions[j]) {
        const i = o.id;
        changed.push(i);
        addWrite(fp, i);
        if (!ids.includes(i)) {
          this.pushObs(i);
          this.pushObs(keyIds[i] ?? OBS_UNKNOWN);
        }
      }
    }
    if (!run.isAlive(tid)) addWrite(fp, run.world.cpu(tid).id);
    if (next?.enabled) {
      const accesses = next.accesses;
      for (let k = 0; k < accesses.length; k++) {
        const a = accesses[k] as (typeof accesses)[number];
        addRead(fp, a.obj.id);
        const id = a.obj.id;
        if (a.obj instanceof Var && id < known && !ids.includes(id) && !changed.includes(id)) {
          this.pushObs(id);
          this.pushObs(keyIds[id] as number);
        }
      }
    }
    const before = this.ghost;
    const beforeId = this.ghostUnique ? this.space.unique() : this.ghostId;
    let ghost = before;
    if (!sameAsTape(run.state, this.ghostTape)) {
      ghost = serialize(run.state, this.cxReset(), 0);
      if (ghost !== before) this.setGhost(ghost);
      else this.ghostUnique = this.cx.unique;
      this.ghostTape = ghostTape(run.state);
    }
    if (ghost !== before || this.ghostUnique) {
      addWrite(fp, GHOST_ID);
      this.pushObs(OBS_GHOST);
      this.pushObs(beforeId);
    }
    this.counts[tid] = (this.counts[tid] as number) + 1;
    // The thread's record: a finished thread has no future; a thread that started an operation
    // during the step restarts from that operation's mark (the step's observations still count).
    const mark = this.log?.marks[tid];
    const space = this.space;
    const continued = space.extend(this.history[tid] as number, this.obs, this.obsLen);
    let hist = continued;
    if (!run.isAlive(tid)) hist = space.done();
    else if (mark !== undefined) hist = space.extend(space.started(mark), this.obs, this.obsLen);
    if (this.log) this.log.marks.length = 0;
    this.history[tid] = hist;
    // IPIs queued by this step are named by the sender's records (their handler closes over its
    // locals, of the operation that ended or of the one that started in this step).
    this.cx.stampTid = tid;
    this.cx.stampContinued = continued;
    this.cx.stampHist = hist;
    // Re-key what may have changed: what the step wrote (declared, changed Vars, the CPU of a
    // retiring thread) and objects made during it.
    for (let k = 0; k < fp.length; k++) {
      const x = fp[k] as number;
      if ((x & 1) === 1 && x >> 1 < known) this.rekey(x >> 1);
    }
    for (let i = known; i < objects.length; i++) {
      this.rekey(i);
      // A Var made during the step: its versions are compared around later steps too.
      const o = objects[i];
      if (o instanceof Var) this.vars.push(o);
    }
    return fp;
  }

  private pushObs(x: number): void {
    if (this.obsLen === this.obs.length) {
      const o = new Int32Array(this.obs.length * 2);
      o.set(this.obs);
      this.obs = o;
    }
    this.obs[this.obsLen++] = x;
  }

  /**
   * The identity of the state now, as a small integer (equal states, equal ids; see `key`);
   * `extra` (a last thread, say) is part of it.
   */
  stateId(extra?: number): number {
    let unique = this.ghostUnique;
    const keyIds = this.keyIds;
    for (let i = 0; i < keyIds.length && !unique; i++) if ((keyIds[i] as number) < 0) unique = true;
    return this.space.stateId(unique, this.ghostId, keyIds, this.run.steps, this.history, extra);
  }

  /** The identity of the state now as a string: `stateId()` written out. */
  key(): string {
    return String(this.stateId());
  }

  /** What `restore` needs to resume here on a replayed run. */
  snapshot(): TrackerSnapshot {
    let tickets: string[][] = NO_TICKETS;
    for (let t = 0; t < this.run.threadCount; t++) {
      const q = queueOf(this.run.world.cpu(t));
      if (q.length === 0) continue;
      if (tickets === NO_TICKETS) tickets = Array.from({ length: this.run.threadCount }, () => []);
      tickets[t] = q.map((e) => this.tickets.get(e.ticket as object) ?? '?');
    }
    return { keyIds: this.keyIds.slice(), ghost: this.ghost, ghostUnique: this.ghostUnique, ghostId: this.ghostId, ghostTape: this.ghostTape, history: this.history.slice(), counts: this.counts.slice(), tickets };
  }

  /** Resumes at a snapshot's state on `run`, which has been replayed to it. */
  restore(run: Run, snap: TrackerSnapshot): void {
    this.run = run;
    this.keyIds = snap.keyIds.slice();
    this.versions = new Array<number>(this.keyIds.length).fill(-1);
    this.indexVars();
    this.ghost = snap.ghost;
    this.ghostUnique = snap.ghostUnique;
    this.ghostId = snap.ghostId;
    // A tape is never changed and names shared objects by id (the replayed run's objects have the
    // ids of the snapshot's): it still tells whether the ghost state is the one `ghost` was
    // serialised from.
    this.ghostTape = snap.ghostTape ?? NO_TAPE;
    this.history = snap.history.slice();
    this.counts = snap.counts.slice();
    // The tickets and variables of the replayed run are new objects: the maps need not be emptied.
    if (this.log) this.log.marks.length = 0;
    for (let t = 0; t < run.threadCount; t++) {
      const names = snap.tickets[t] ?? [];
      queueOf(run.world.cpu(t)).forEach((e, i) => this.tickets.set(e.ticket as object, names[i] ?? '?'));
    }
  }

  /**
   * Wraps the step effect of a `Var` of this run (its own property; nothing else changes), to see
   * what a one-step operation returned to its thread.
   */
  private wrap(o: Var<unknown>): void {
    this.wrapped.add(o);
    const target = o as unknown as { stepEffect(op: number, arg: unknown): unknown };
    const original = target.stepEffect;
    if (typeof original !== 'function') return;
    const self = this;
    Object.defineProperty(target, 'stepEffect', {
      configurable: true,
      writable: true,
      enumerable: false,
      value(this: unknown, op: number, arg: unknown): unknown {
        const r = original.call(this, op, arg);
        self.effects++;
        self.effectTarget = o;
        self.effectResult = r;
        return r;
      },
    });
  }

  /** Lists the run's `Var`s (their versions are compared around every step). */
  private indexVars(): void {
    this.vars = this.run.world.objects.filter((o): o is Var<unknown> => o instanceof Var);
  }

  private rekeyAll(): void {
    const objects = this.run.world.objects;
    this.indexVars();
    this.versions = new Array<number>(this.vars.length).fill(-1);
    for (let i = 0; i < objects.length; i++) this.rekey(i);
    this.setGhost(serialize(this.run.state, this.cxReset(), 0));
    this.ghostTape = ghostTape(this.run.state);
  }

  private cxReset(): SerialContext {
    this.cx.unique = false;
    return this.cx;
  }

  private setGhost(ghost: string): void {
    this.ghost = ghost;
    this.ghostUnique = this.cx.unique;
    this.ghostId = this.space.valueId(ghost);
  }

  private rekey(id: number): void {
    const o = this.run.world.objects[id];
    if (!o) return;
    if (o.constructor === Var || o.constructor === Counter) {
      this.keyIds[id] = this.space.varId((o as Var<unknown>).value, (o as Var<unknown>).version, this.cxReset());
      return;
    }
    const key = objectKey(o, this.cxReset());
    this.keyIds[id] = this.cx.unique ? -1 : this.space.valueId(key);
  }
}

interface SerialContext {
  /** Set when something could not be serialised exactly. */
  unique: boolean;
  tickets: WeakMap<object, string>;
  /** The step in progress (its thread, and that thread's records, continued and new): it names IPIs first seen now. */
  stampTid: number;
  stampContinued: number;
  stampHist: number;
}

const NO_TICKETS: string[][] = [];
const MINUS_ZERO = Symbol('-0');

/** The queued IPIs of a CPU (a private field: read defensively). */
function queueOf(cpu: Cpu): Array<{ ticket?: unknown }> {
  const q = (cpu as unknown as { pendingIpis?: unknown }).pendingIpis;
  return Array.isArray(q) ? (q as Array<{ ticket?: unknown }>) : EMPTY_QUEUE;
}
const EMPTY_QUEUE: Array<{ ticket?: unknown }> = [];

/** Markers in an observation (see `StateTracker.after`) and in records (see `StateSpace`): never an object id. */
const OBS_RESULT = -1;
const OBS_UNIQUE = -2;
const OBS_GHOST = -3;
const OBS_MARK = -4;
const OBS_DONE = -5;
/** The key id of an object the tracker has not keyed (never a key id: those are -1 or positive). */
const OBS_UNKNOWN = -0x40000000;

const IDENTITY_FIELDS = new Set(['world', 'name', 'id', 'kind']);
/** A field name written as it is in an object's key (it holds no `=`, `;` or `:`). */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Per class, the fields seen holding cached steps (skipped without looking). */
const stepFields = new WeakMap<object, Set<string>>();

/** Every own field of a shared object but its identity and cached steps, serialised. */
function objectKey(o: SimObject, cx: SerialContext): string {
  // A core variable or counter holds nothing but its value and version (and cached steps); core
  // locks, CPUs, SRCU, rwlocks and seqcounts are keyed by `primitiveKey`.
  if (o.constructor === Var || o.constructor === Counter) return `v=${serialize((o as Var<unknown>).value, cx, 0)}@${(o as Var<unknown>).version}`;
  const fast = primitiveKey(o, cx);
  if (fast !== undefined) return fast;
  const rec = o as unknown as Record<string, unknown>;
  const ctor = o.constructor;
  let skip = stepFields.get(ctor);
  if (!skip) {
    skip = new Set(IDENTITY_FIELDS);
    // A Var's value and version are read through its public API below.
    if (o instanceof Var) for (const f of ['current', 'version']) skip.add(f);
    stepFields.set(ctor, skip);
  }
  let out = '';
  for (const f of Object.keys(rec)) {
    if (skip.has(f)) continue;
    const v = rec[f];
    // Absent, null and undefined fields alike (lazily made caches come and go).
    if (v === null || v === undefined) continue;
    if (isStepLike(v)) {
      skip.add(f);
      continue;
    }
    // A name that is not an identifier is written length-prefixed, as serialize writes strings:
    // `a=1;b` = 2 must not read as a = 1 and b = 2.
    out += `${IDENTIFIER.test(f) ? f : serialize(f, cx, 0)}=${serialize(v, cx, 0)};`;
  }
  // Through the public API too, in case a field is not enumerable (`#private`).
  if (o instanceof Var) out += `v=${serialize(o.value, cx, 0)}@${o.version}`;
  else out += `d=${o.describe()}`;
  return out;
}

/**
 * The key of a core lock, CPU, SRCU, rwlock or seqcount: a lock's is `L<holder>`, the others' are
 * as `objectKey`'s general case would make them (the same fields, in the same order, serialised the same way: so the same states are told
 * apart), without listing its fields and describing it. Only for instances of exactly those
 * classes whose fields are the ones known here (checked on the first instance of each class):
 * otherwise undefined and the general case runs.
 */
function primitiveKey(o: SimObject, cx: SerialContext): string | undefined {
  const ctor = o.constructor;
  // A core lock holds nothing but its holder.
  if (ctor === Lock) return knownShape(o, LOCK_FIELDS) ? `L${(o as Lock).holder}` : undefined;
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an instance this skips goes to objectKey's general case, which gives the same key
  if (ctor === Cpu) {
    if (!knownShape(o, CPU_FIELDS)) return undefined;
    const r = o as unknown as { tid: number; state: string; pendingIpis: unknown };
    let out = `tid=${serialize(r.tid, cx, 0)};state=${serialize(r.state, cx, 0)};`;
    if (r.pendingIpis !== null && r.pendingIpis !== undefined) out += `pendingIpis=${serialize(r.pendingIpis, cx, 0)};`;
    return `${out}d=${r.state}`;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an instance this skips goes to objectKey's general case, which gives the same key
  if (ctor === Srcu) {
    if (!knownShape(o, SRCU_FIELDS)) return undefined;
    const r = o as unknown as { depth: unknown; ended: unknown };
    return `depth=${serialize(r.depth, cx, 0)};ended=${serialize(r.ended, cx, 0)};d=${o.describe()}`;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an instance this skips goes to objectKey's general case, which gives the same key
  if (ctor === RwLock) {
    if (!knownShape(o, RWLOCK_FIELDS)) return undefined;
    const r = o as unknown as { writer: number; readHolds: unknown; readers: number };
    return `writer=${serialize(r.writer, cx, 0)};readHolds=${serialize(r.readHolds, cx, 0)};readers=${serialize(r.readers, cx, 0)};d=${o.describe()}`;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: an instance this skips goes to objectKey's general case, which gives the same key
  if (ctor === SeqCount) {
    if (!knownShape(o, SEQCOUNT_FIELDS)) return undefined;
    const r = o as unknown as { sequence: number };
    return `sequence=${serialize(r.sequence, cx, 0)};d=${o.describe()}`;
  }
  return undefined;
}

/** The fields, in order, of the core primitives `primitiveKey` knows (identity and cached steps included). */
const LOCK_FIELDS = ['world', 'name', 'id', 'flavour', 'kind', 'holder', 'acquireY', 'releaseY'];
const CPU_FIELDS = ['world', 'name', 'id', 'tid', 'kind', 'state', 'pendingIpis', 'steps'];
const SRCU_FIELDS = ['world', 'name', 'id', 'kind', 'depth', 'ended', 'lockYield', 'unlockYield', 'snapshot'];
const RWLOCK_FIELDS = ['world', 'name', 'id', 'kind', 'writer', 'readHolds', 'readers', 'steps'];
const SEQCOUNT_FIELDS = ['world', 'name', 'id', 'kind', 'sequence', 'steps'];

/** Per class, whether its first instance had exactly the expected own fields, in order. */
const shapes = new Map<unknown, boolean>();

function knownShape(o: SimObject, fields: readonly string[]): boolean {
  let ok = shapes.get(o.constructor);
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shape checked again, or never trusted, only sends instances to the general case (the same key)
  if (ok === undefined) {
    const keys = Object.keys(o);
    ok = keys.length === fields.length && keys.every((k, i) => k === fields[i]);
    shapes.set(o.constructor, ok);
  }
  return ok;
}

/** A step, a prepared `{ value: step, done: false }`, or an array of them: caches, not state. */
function isStepLike(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length > 0 && isStepLike(v[0]);
  const r = v as { label?: unknown; accesses?: unknown; done?: unknown; value?: unknown };
  if (typeof r.label === 'string' && Array.isArray(r.accesses)) return true;
  return r.done === false && isStepLike(r.value);
}

const MAX_DEPTH = 64;
const ID_STRINGS: string[] = [];

/**
 * An exact serialisation of a value: shared objects by id, IPI queue entries by their sender's
 * step, everything else structurally (class name, own fields, Map/Set in insertion order).
 */
function serialize(v: unknown, cx: SerialContext, depth: number): string {
  switch (typeof v) {
    case 'number':
      return Object.is(v, -0) ? '-0' : `${v}`;
    case 'string':
      return `s${v.length}:${v}`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'bigint':
      return `n${v}`;
    case 'symbol':
    case 'function':
      cx.unique = true;
      return '?';
  }
  if (v === null) return 'N';
  if (v instanceof SimObject) return (ID_STRINGS[v.id] ??= `#${v.id}`);
  if (v instanceof World) return 'W';
  if (depth > MAX_DEPTH) {
    cx.unique = true;
    return '?';
  }
  const d = depth + 1;
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += `${serialize(v[i], cx, d)},`;
    return `${out}]`;
  }
  if (v instanceof Map) {
    let out = 'M{';
    for (const [k, x] of v) out += `${serialize(k, cx, d)}:${serialize(x, cx, d)},`;
    return `${out}}`;
  }
  if (v instanceof Set) {
    let out = 'S{';
    for (const x of v) out += `${serialize(x, cx, d)},`;
    return `${out}}`;
  }
  if (v instanceof Date) return `D${v.getTime()}`;
  const rec = v as Record<string, unknown>;
  // A queued IPI: its handler closes over the sender's locals, named by the sending step.
  if ('handler' in rec && 'ticket' in rec && typeof rec.ticket === 'object' && rec.ticket !== null) {
    const ticket = rec.ticket as object;
    let name = cx.tickets.get(ticket);
    if (name === undefined) {
      name = `${cx.stampTid}:${cx.stampContinued}:${cx.stampHist}`;
      cx.tickets.set(ticket, name);
    }
    return `Q${name}`;
  }
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  let out = `${proto === Object.prototype || proto === null ? '' : (proto.constructor?.name ?? '?')}{`;
  // Keys serialised as strings (length-prefixed): `{a: 0, b: 1}` and `{'a:0,b': 1}` differ.
  for (const k of Object.keys(rec)) out += `${serialize(k, cx, d)}:${serialize(rec[k], cx, d)},`;
  return `${out}}`;
}
