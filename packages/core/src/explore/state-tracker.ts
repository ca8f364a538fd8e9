import { Counter } from '../primitives/counter.js';
import type { Cpu } from '../primitives/cpus.js';
import { Var } from '../primitives/var.js';
import type { Run } from '../run.js';
import type { SimObject } from '../sim-object.js';
import { addRead, addWrite, declaredFootprint, GHOST_ID } from './footprint.js';
import { ghostTape, NO_TAPE, sameAsTape, type GhostTape } from './ghost-tape.js';
import { objectKey } from './object-key.js';
import type { OpLog } from './op-log.js';
import { serialize, type SerialContext } from './serialize.js';
import { OBS_GHOST, OBS_RESULT, OBS_UNIQUE, OBS_UNKNOWN, type StateSpace } from './state-space.js';

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

const NO_TICKETS: string[][] = [];

/** The queued IPIs of a CPU (a private field: read defensively). */
function queueOf(cpu: Cpu): Array<{ ticket?: unknown }> {
  const q = (cpu as unknown as { pendingIpis?: unknown }).pendingIpis;
  return Array.isArray(q) ? (q as Array<{ ticket?: unknown }>) : EMPTY_QUEUE;
}
const EMPTY_QUEUE: Array<{ ticket?: unknown }> = [];
