import { serialize, type SerialContext } from './serialize.js';
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

const MINUS_ZERO = Symbol('-0');

/** Markers in an observation (see `StateTracker.after`) and in records (see `StateSpace`): never an object id. */
export const OBS_RESULT = -1;
export const OBS_UNIQUE = -2;
export const OBS_GHOST = -3;
export const OBS_MARK = -4;
export const OBS_DONE = -5;
/** The key id of an object the tracker has not keyed (never a key id: those are -1 or positive). */
export const OBS_UNKNOWN = -0x40000000;
