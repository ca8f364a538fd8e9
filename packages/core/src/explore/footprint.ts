import { Var } from '../primitives/var.js';
import { SimObject } from '../sim-object.js';
import { World } from '../world.js';
import { serialize, type SerialContext } from './serialize.js';
import type { Run } from '../run.js';
import type { Step } from '../step.js';

/**
 * A step's footprint as the explorers use it: one number per access, `id * 2 + (write ? 1 : 0)`,
 * so two footprints conflict when they share an object id and one of the two accesses writes
 * (the relation of `stepsConflict`, on ids instead of objects so it survives across runs).
 */
export type Footprint = readonly number[];

/** Pseudo-object written by a step whose effect changed a plain (ghost) field of the model state. */
export const GHOST_ID = 1 << 24;
/** Pseudo-object written by every writing step when invariants are checked after every step. */
export const VISIBLE_ID = GHOST_ID + 1;

/**
 * The footprint a step declares. With `visible` (the objects state invariants read), a step that
 * writes one of them also writes `VISIBLE_ID`, so such writes are mutually dependent and
 * equivalent schedules pass through the same invariant-relevant states (see `visibility.ts`).
 */
export function declaredFootprint(step: Step, visible?: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (const a of step.accesses) out.push(a.obj.id * 2 + (a.mode === 'write' ? 1 : 0));
  if (visible && writesAny(out, visible)) out.push(VISIBLE_ID * 2 + 1);
  return out;
}

/** True when the footprint writes one of the ids. */
function writesAny(fp: readonly number[], ids: ReadonlySet<number>): boolean {
  for (const x of fp) if ((x & 1) === 1 && ids.has(x >> 1)) return true;
  return false;
}

/** True when some invariant of the model is checked after every step, not only at the end. */
export function hasStateInvariants(model: { readonly invariants: readonly { readonly at?: 'always' | 'end' }[] }): boolean {
  return model.invariants.some((inv) => inv.at !== 'end');
}

/** True when the two footprints touch one object and at least one of them writes it. */
export function footprintsConflict(a: Footprint, b: Footprint): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x >> 1 === y >> 1 && ((x | y) & 1) === 1) return true;
    }
  }
  return false;
}

/**
 * True when `w` writes a shared object (not a pseudo-object: `GHOST_ID`, `VISIBLE_ID`) that `fp`
 * touches: only such a write can change whether the step of footprint `fp` is enabled.
 */
export function writesObjectOf(w: Footprint, fp: Footprint): boolean {
  for (const x of w) {
    if ((x & 1) === 0 || x >> 1 >= GHOST_ID) continue;
    for (const y of fp) if (y >> 1 === x >> 1) return true;
  }
  return false;
}

/**
 * Takes one step of a run and returns what it really touched: the declared footprint, plus a write
 * of every `Var` whose version moved during the step (an IPI handler, or a model that wrote more
 * than it declared), plus a read of whatever the thread's next step reads when that step can block
 * (its `enabled` test may depend on a snapshot the effect took), plus a write of the thread's own CPU when the step ended the thread (a thread
 * that retires turns its interrupts on and takes queued IPIs), plus a write of `GHOST_ID` when a
 * plain field of the model state (a ghost counter such as `done`, a ghost array) changed. Being generous here
 * only costs reduction; missing an access would make DPOR unsound.
 */
export class FootprintObserver {
  private versions: number[] = [];
  private ghosts: unknown[] = [];
  /** The ghost fields as the last step left them, and the run and step they belong to. */
  private after: unknown[] = [];
  private afterRun: Run | null = null;
  private afterStep = -1;
  private afterFields = -1;
  private readonly cx: SerialContext = { unique: false, tickets: new WeakMap(), stampTid: 0, stampContinued: 0, stampHist: 0 };

  /** With `visible`, a step writing one of those ids also writes `VISIBLE_ID` (see `declaredFootprint`). */
  constructor(private readonly visible?: ReadonlySet<number>) {}

  /** Steps `tid` in `run` and returns the observed footprint. */
  step(run: Run, tid: number): number[] {
    const step = run.pendingStep(tid);
    if (!step) throw new Error(`CPU${tid} has no step to take`);
    const fp = declaredFootprint(step);
    const state = run.state as Record<string, unknown> | null;
    const keys = state !== null && typeof state === 'object' ? Object.keys(state) : [];
    // The fields as the previous step of this run left them, unless the run moved on without us.
    const known = this.afterRun === run && this.afterStep === run.schedule.length && this.afterFields === keys.length;
    const before = known ? this.after : this.ghosts;
    if (!known) for (let i = 0; i < keys.length; i++) before[i] = plain((state as Record<string, unknown>)[keys[i] as string], this.cx);
    const objects = run.world.objects;
    const n = objects.length;
    const versions = this.versions;
    for (let i = 0; i < n; i++) {
      const o = objects[i];
      versions[i] = o instanceof Var ? o.version : -1;
    }
    run.step(tid);
    for (let i = 0; i < n; i++) {
      const o = objects[i];
      if (o instanceof Var && o.version !== versions[i]) addWrite(fp, o.id);
    }
    if (!run.isAlive(tid)) addWrite(fp, run.world.cpu(tid).id);
    // The step's effect runs up to the thread's next yield, which builds the next step: a blocking
    // one may close over what it saw then (`awaitChange` snapshots versions, `ipiWait` its ticket).
    const next = run.pendingStep(tid);
    if (next?.enabled) for (const a of next.accesses) addRead(fp, a.obj.id);
    // Every field is written down (not only up to the first change): the next step starts from them.
    const now = before === this.after ? this.ghosts : this.after;
    let changed = false;
    for (let i = 0; i < keys.length; i++) {
      now[i] = plain((state as Record<string, unknown>)[keys[i] as string], this.cx);
      if (!Object.is(before[i], now[i])) changed = true;
    }
    if (changed) addWrite(fp, GHOST_ID);
    this.ghosts = before;
    this.after = now;
    this.afterRun = run;
    this.afterStep = run.schedule.length;
    this.afterFields = keys.length;
    if (this.visible && writesAny(fp, this.visible)) addWrite(fp, VISIBLE_ID);
    return fp;
  }
}

/** Adds a read of `id` unless the footprint already touches it. */
export function addRead(fp: number[], id: number): void {
  if (!fp.includes(id * 2) && !fp.includes(id * 2 + 1)) fp.push(id * 2);
}

/** Adds a write of `id` unless the footprint already writes it. */
export function addWrite(fp: number[], id: number): void {
  const w = id * 2 + 1;
  if (!fp.includes(w)) fp.push(w);
}

/**
 * What a field of the model state holds, to see whether a step changed it: a primitive itself; a
 * shared object or the world a placeholder (their changes go through their own steps and
 * versions); any other object (a ghost array of the pairs readers returned, a map of counters) its
 * serialisation, shared objects in it by id, so a push into a ghost array is a ghost write too.
 */
function plain(v: unknown, cx: SerialContext): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof SimObject || v instanceof World) return OBJECT;
  cx.unique = false;
  return serialize(v, cx, 0);
}
const OBJECT = Symbol('object');
