import type { AnyModel, InvariantSpec, Step } from '@kvmrace/core';
import { enterUserCode, leaveUserCode, setModelNames, type ModelNames } from './user-code-now.js';
import { SLOT, slotBase, USER_CODE } from './watchdog-cell.js';

export type { ModelNames } from './user-code-now.js';

type Kind = (typeof USER_CODE)[keyof typeof USER_CODE];

/** Marks entry into and exit from user code, in this thread's slot of the watchdog cell and in the thread's own record. */
class Beacon {
  private readonly base: number;

  constructor(
    private readonly cell: Int32Array,
    slot: number,
  ) {
    this.base = slotBase(slot);
  }

  call<T>(kind: Kind, index: number, fn: () => T): T {
    const c = this.cell;
    const b = this.base;
    const outerKind = c[b + SLOT.kind] as number;
    const outerIndex = c[b + SLOT.index] as number;
    const before = enterUserCode({ kind, index });
    c[b + SLOT.kind] = kind;
    c[b + SLOT.index] = index;
    c[b + SLOT.beats] = (c[b + SLOT.beats] as number) + 1;
    try {
      return fn();
    } finally {
      c[b + SLOT.kind] = outerKind;
      c[b + SLOT.index] = outerIndex;
      c[b + SLOT.beats] = (c[b + SLOT.beats] as number) + 1;
      leaveUserCode(before);
    }
  }
}

/** A thread program's iterator whose every resumption is reported to the watchdog. */
class GuardedSteps implements Iterator<Step, unknown> {
  constructor(
    private readonly inner: Iterator<Step, unknown>,
    private readonly beacon: Beacon,
    private readonly index: number,
  ) {}

  next(): IteratorResult<Step, unknown> {
    return this.beacon.call(USER_CODE.operation, this.index, () => this.inner.next());
  }

  return(value?: unknown): IteratorResult<Step, unknown> {
    const inner = this.inner;
    return inner.return ? this.beacon.call(USER_CODE.operation, this.index, () => inner.return!(value)) : { value, done: true };
  }

  throw(err?: unknown): IteratorResult<Step, unknown> {
    const inner = this.inner;
    if (!inner.throw) throw err;
    return this.beacon.call(USER_CODE.operation, this.index, () => inner.throw!(err));
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/**
 * The model with every piece of its user code (thread programs, setup, invariants, state
 * description, the scenario precondition) reporting to slot `slot` of the watchdog cell (0: the
 * guarded worker, else a pool worker's), so that a parent can stop a thread stuck inside one step
 * and count only the time spent in the model's code. Also records the model's names for this
 * thread (model output and `process.exit()` are named by them). Returns the same model otherwise;
 * the engine sees no difference.
 */
export function guardModel(model: AnyModel, cell: Int32Array, slot = 0): AnyModel {
  const beacon = new Beacon(cell, slot);
  setModelNames(modelNames(model));
  const operations: Record<string, AnyModel['operations'][string]> = {};
  model.operationNames.forEach((name, index) => {
    const op = model.operations[name] as AnyModel['operations'][string];
    operations[name] = {
      ...op,
      run: (state, t) => {
        const inner = beacon.call(USER_CODE.operation, index, () => op.run(state, t));
        // Not a synchronous iterator: handed on as it is, for the engine to name the mistake.
        if (inner === null || typeof inner !== 'object' || typeof inner.next !== 'function' || Symbol.asyncIterator in inner) return inner;
        return new GuardedSteps(inner, beacon, index) as ReturnType<typeof op.run>;
      },
    };
  });
  const invariants = model.invariants.map((inv, index): InvariantSpec<unknown> => {
    const when = inv.when;
    return {
      ...inv,
      check: (s) => beacon.call(USER_CODE.invariant, index, () => inv.check(s)),
      ...(when ? { when: (s: unknown) => beacon.call(USER_CODE.when, index, () => when(s)) } : {}),
    };
  });
  const describeState = model.describeState;
  const allowed = model.scenarios.allowed;
  const scenarios = allowed
    ? { ...model.scenarios, allowed: (threads: readonly (readonly string[])[]) => beacon.call(USER_CODE.allowed, 0, () => allowed.call(model.scenarios, threads)) }
    : model.scenarios;
  return {
    ...model,
    operations,
    invariants,
    scenarios,
    setup: (world) => beacon.call(USER_CODE.setup, 0, () => model.setup(world)),
    ...(describeState ? { describeState: (s: unknown) => beacon.call(USER_CODE.describeState, 0, () => describeState.call(model, s)) } : {}),
  } as AnyModel;
}

/** The names that say which code of the model a thread is in (see `describeCode`). */
export function modelNames(model: AnyModel): ModelNames {
  return { model: model.name, operations: [...model.operationNames], invariants: model.invariants.map((i) => i.name) };
}
