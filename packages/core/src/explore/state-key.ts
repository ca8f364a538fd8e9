import type { Cpu } from '../primitives/cpus.js';
import { Counter } from '../primitives/counter.js';
import { Lock } from '../primitives/lock.js';
import { Var } from '../primitives/var.js';
import type { AnyModel } from '../model.js';
import type { Run } from '../run.js';
import type { Thread } from '../thread.js';
import { SimObject } from '../sim-object.js';
import { World } from '../world.js';
import { addRead, addWrite, declaredFootprint, GHOST_ID } from './footprint.js';

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
  private readonly histories = new Map<string, number>();
  /** Shared states by hash, each bucket checked exactly. */
  private readonly shared = new Map<number, Array<{ keyIds: Int32Array; ghostId: number; id: number }>>();
  private sharedCount = 0;
  private readonly values = new Map<string, number>();
  private readonly labels = new Map<string, number>();
  /** Per version, primitive values to their key id. */
  private readonly vars = new Map<number, Map<unknown, number>>();
  private uniques = 0;

  /** The id of a thread record extended by one observation. */
  extend(prev: number, observation: string): number {
    const k = `${prev}\u0001${observation}`;
    let id = this.histories.get(k);
    if (id === undefined) {
      id = this.histories.size + 1;
      this.histories.set(k, id);
    }
    return id;
  }

  /** The id of a shared state: the objects' key ids and the ghost state's. */
  sharedId(keyIds: readonly number[], ghostId: number): number {
    let h = ghostId | 0;
    for (let i = 0; i < keyIds.length; i++) h = (Math.imul(h ^ (keyIds[i] as number), 0x9e3779b1) + i) | 0;
    let bucket = this.shared.get(h);
    if (bucket === undefined) this.shared.set(h, (bucket = []));
    for (const e of bucket) {
      if (e.ghostId !== ghostId || e.keyIds.length !== keyIds.length) continue;
      let same = true;
      for (let i = 0; i < keyIds.length && same; i++) if (e.keyIds[i] !== keyIds[i]) same = false;
      if (same) return e.id;
    }
    const id = ++this.sharedCount;
    bucket.push({ keyIds: Int32Array.from(keyIds), ghostId, id });
    return id;
  }

  /** A small id for a step label (labels are mostly the same few strings). */
  labelId(label: string): number {
    let id = this.labels.get(label);
    if (id === undefined) {
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
  /** A copy of the ghost state as last serialised (shared objects by reference), to skip re-serialising it. */
  private ghostCopy: unknown = NOT_COPIED;
  private history: number[];
  private counts: number[];
  private tickets = new WeakMap<object, string>();
  private readonly cx: SerialContext;
  // Pre-step data of the step in progress.
  private preTid = -1;
  private preLabel = '';
  private preFp: number[] = [];
  private preIds: number[] = [];
  /** Calls of a `Var`'s step effect during the step in progress, and the last one's target and result. */
  private effects = 0;
  /** The `Var`s of this run whose step effect is wrapped. */
  private wrapped = new WeakSet<object>();
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
    this.cx = { unique: false, tickets: this.tickets, stamp: '' };
    for (let t = 0; t < n; t++) {
      const mark = log?.marks[t];
      if (mark !== undefined) this.history[t] = space.extend(0, mark);
      else if (!run.isAlive(t)) this.history[t] = space.extend(0, DONE);
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
    this.preFp = declaredFootprint(step);
    const ids = this.preIds;
    ids.length = 0;
    for (const a of step.accesses) if (!ids.includes(a.obj.id)) ids.push(a.obj.id);
    const objects = run.world.objects;
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
    const known = this.keyIds.length;
    // What the effect could have observed: pre-step keys (the cache still holds them).
    let obs = `${this.space.labelId(this.preLabel)}`;
    // A one-step `Var` operation (read, write, update) shows its thread only what it returns:
    // after it the variable holds the written value, the returned one, or the one read.
    const next = run.pendingStep(tid);
    const target = this.effectTarget;
    const returned = ids.length === 1 && this.effects === 1 && target instanceof Var && target.id === ids[0] && !(next?.enabled && next.accesses.some((a) => a.obj === target));
    if (returned) {
      this.cx.unique = false;
      obs += `\u0002r=${serialize(this.effectResult, this.cx, 0)}`;
      if (this.cx.unique) obs += `\u0002${this.space.unique()}`;
    } else {
      for (const id of ids) obs += `\u0002${id}=${this.keyIds[id] ?? '?'}`;
    }
    this.effectTarget = null;
    this.effectResult = undefined;
    const changed: number[] = [];
    const vars = this.vars;
    for (let j = 0; j < vars.length; j++) {
      const o = vars[j] as Var<unknown>;
      if (o.version !== this.versions[j]) {
        const i = o.id;
        changed.push(i);
        addWrite(fp, i);
        if (!ids.includes(i)) obs += `\u0002${i}=${this.keyIds[i]}`;
      }
    }
    if (!run.isAlive(tid)) addWrite(fp, run.world.cpu(tid).id);
    if (next?.enabled) {
      for (const a of next.accesses) {
        addRead(fp, a.obj.id);
        const id = a.obj.id;
        if (a.obj instanceof Var && id < known && !ids.includes(id) && !changed.includes(id)) obs += `\u0002${id}=${this.keyIds[id]}`;
      }
    }
    const before = this.ghost;
    const beforeId = this.ghostUnique ? this.space.unique() : this.ghostId;
    let ghost = before;
    if (!sameValue(run.state, this.ghostCopy, 0)) {
      ghost = serialize(run.state, this.cxReset(), 0);
      if (ghost !== before) this.setGhost(ghost);
      else this.ghostUnique = this.cx.unique;
      this.ghostCopy = copyValue(run.state, 0);
    }
    if (ghost !== before || this.ghostUnique) {
      addWrite(fp, GHOST_ID);
      obs += `\u0003${beforeId}`;
    }
    this.counts[tid] = (this.counts[tid] as number) + 1;
    // The thread's record: a finished thread has no future; a thread that started an operation
    // during the step restarts from that operation's mark (the step's observations still count).
    const mark = this.log?.marks[tid];
    const continued = this.space.extend(this.history[tid] as number, obs);
    let hist = continued;
    if (!run.isAlive(tid)) hist = this.space.extend(0, DONE);
    else if (mark !== undefined) hist = this.space.extend(this.space.extend(0, mark), obs);
    if (this.log) this.log.marks.length = 0;
    this.history[tid] = hist;
    // IPIs queued by this step are named by the sender's records (their handler closes over its
    // locals, of the operation that ended or of the one that started in this step).
    this.cx.stamp = `${tid}:${continued}:${hist}`;
    // Re-key what may have changed: what the step wrote (declared, changed Vars, the CPU of a
    // retiring thread) and objects made during it.
    for (const x of fp) if ((x & 1) === 1 && x >> 1 < known) this.rekey(x >> 1);
    for (let i = known; i < objects.length; i++) this.rekey(i);
    return fp;
  }

  /** The identity of the state now, as a string key; `extra` is appended (a last thread, say). */
  key(extra = ''): string {
    let unique = this.ghostUnique;
    for (let i = 0; i < this.keyIds.length && !unique; i++) if ((this.keyIds[i] as number) < 0) unique = true;
    const shared = unique ? this.space.unique() : this.space.sharedId(this.keyIds, this.ghostId);
    return `${shared}:${this.run.steps}:${this.history.join(',')}${extra}`;
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
    return { keyIds: [...this.keyIds], ghost: this.ghost, ghostUnique: this.ghostUnique, ghostId: this.ghostId, history: [...this.history], counts: [...this.counts], tickets };
  }

  /** Resumes at a snapshot's state on `run`, which has been replayed to it. */
  restore(run: Run, snap: TrackerSnapshot): void {
    this.run = run;
    this.keyIds = [...snap.keyIds];
    this.versions = new Array<number>(this.keyIds.length).fill(-1);
    this.indexVars();
    this.ghost = snap.ghost;
    this.ghostUnique = snap.ghostUnique;
    this.ghostId = snap.ghostId;
    this.ghostCopy = NOT_COPIED;
    this.history = [...snap.history];
    this.counts = [...snap.counts];
    this.tickets = new WeakMap();
    this.cx.tickets = this.tickets;
    if (this.log) this.log.marks.length = 0;
    this.wrapped = new WeakSet();
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
    this.ghostCopy = copyValue(this.run.state, 0);
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
  /** The step in progress (`tid.k`): it names IPIs first seen now. */
  stamp: string;
}

const NOT_COPIED = Symbol('not copied');
const NO_TICKETS: string[][] = [];
const MINUS_ZERO = Symbol('-0');

/** A copy of a value deep enough for `sameValue`: shared objects and functions by reference. */
function copyValue(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object' || v instanceof SimObject || v instanceof World || depth > MAX_DEPTH) return v;
  const d = depth + 1;
  if (Array.isArray(v)) return v.map((x) => copyValue(x, d));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [copyValue(k, d), copyValue(x, d)]));
  if (v instanceof Set) return new Set([...v].map((x) => copyValue(x, d)));
  if (v instanceof Date) return new Date(v.getTime());
  const out = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
  for (const k of Object.keys(v)) out[k] = copyValue((v as Record<string, unknown>)[k], d);
  return out;
}

/** True when `v` has the value `copy` was made from (a `copyValue` copy); false when unsure. */
function sameValue(v: unknown, copy: unknown, depth: number): boolean {
  // The copy keeps only shared objects (and values too deep to copy) by reference.
  if (v === copy) return typeof v !== 'object' || v === null || depth <= MAX_DEPTH;
  if (v === null || copy === null || typeof v !== 'object' || typeof copy !== 'object') return Number.isNaN(v) && Number.isNaN(copy);
  if (depth > MAX_DEPTH) return false;
  if (v instanceof SimObject) return copy instanceof SimObject && copy.id === v.id;
  if (Object.getPrototypeOf(v) !== Object.getPrototypeOf(copy)) return false;
  const d = depth + 1;
  if (Array.isArray(v)) {
    const c = copy as unknown[];
    if (c.length !== v.length) return false;
    for (let i = 0; i < v.length; i++) if (!sameValue(v[i], c[i], d)) return false;
    return true;
  }
  if (v instanceof Map || v instanceof Set || v instanceof Date || v instanceof World) return false; // rare in ghost state: re-serialise
  const a = Object.keys(v);
  const b = Object.keys(copy);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const k = a[i] as string;
    if (k !== b[i] || !sameValue((v as Record<string, unknown>)[k], (copy as Record<string, unknown>)[k], d)) return false;
  }
  return true;
}

/** The queued IPIs of a CPU (a private field: read defensively). */
function queueOf(cpu: Cpu): Array<{ ticket?: unknown }> {
  const q = (cpu as unknown as { pendingIpis?: unknown }).pendingIpis;
  return Array.isArray(q) ? (q as Array<{ ticket?: unknown }>) : EMPTY_QUEUE;
}
const EMPTY_QUEUE: Array<{ ticket?: unknown }> = [];

const DONE = 'done';

const IDENTITY_FIELDS = new Set(['world', 'name', 'id', 'kind']);

/** Per class, the fields seen holding cached steps (skipped without looking). */
const stepFields = new WeakMap<object, Set<string>>();

/** Every own field of a shared object but its identity and cached steps, serialised. */
function objectKey(o: SimObject, cx: SerialContext): string {
  // A core variable or counter holds nothing but its value and version (and cached steps); a
  // core lock nothing but its holder (checked once: no field beyond the known ones).
  if (o.constructor === Var || o.constructor === Counter) return `v=${serialize((o as Var<unknown>).value, cx, 0)}@${(o as Var<unknown>).version}`;
  if (o instanceof Lock && o.constructor === Lock && plainLock(o)) return `L${o.holder}`;
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
    out += `${f}=${serialize(v, cx, 0)};`;
  }
  // Through the public API too, in case a field is not enumerable (`#private`).
  if (o instanceof Var) out += `v=${serialize(o.value, cx, 0)}@${o.version}`;
  else out += `d=${o.describe()}`;
  return out;
}

let lockShape: boolean | undefined;

/** True when core locks have only the fields this file knows (holder, flavour, cached steps). */
function plainLock(o: Lock): boolean {
  if (lockShape === undefined) {
    const known = new Set([...IDENTITY_FIELDS, 'holder', 'flavour', 'acquireY', 'releaseY']);
    lockShape = Object.keys(o).every((f) => known.has(f)) && typeof o.holder === 'number';
  }
  return lockShape;
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
      name = cx.stamp;
      cx.tickets.set(ticket, name);
    }
    return `Q${name}`;
  }
  const proto = Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null;
  let out = `${proto === Object.prototype || proto === null ? '' : (proto.constructor?.name ?? '?')}{`;
  for (const k of Object.keys(rec)) out += `${k}:${serialize(rec[k], cx, d)},`;
  return `${out}}`;
}
