import type { AnyModel, InvariantSpec, Step } from '@kvmrace/core';
import { CELL, USER_CODE } from './watchdog-cell.js';

type Kind = (typeof USER_CODE)[keyof typeof USER_CODE];

/** Marks entry into and exit from user code in the watchdog cell. */
class Beacon {
  constructor(private readonly cell: Int32Array) {}

  call<T>(kind: Kind, index: number, fn: () => T): T {
    const c = this.cell;
    c[CELL.kind] = kind;
    c[CELL.index] = index;
    c[CELL.beats] = (c[CELL.beats] as number) + 1;
    try {
      return fn();
    } finally {
      c[CELL.kind] = USER_CODE.none;
      c[CELL.beats] = (c[CELL.beats] as number) + 1;
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
 * description) reporting to the watchdog cell, so that a parent can stop a worker stuck inside one
 * step. Returns the same model otherwise; the engine sees no difference.
 */
export function guardModel(model: AnyModel, cell: Int32Array): AnyModel {
  const beacon = new Beacon(cell);
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
  return {
    ...model,
    operations,
    invariants,
    setup: (world) => beacon.call(USER_CODE.setup, 0, () => model.setup(world)),
    ...(describeState ? { describeState: (s: unknown) => beacon.call(USER_CODE.describeState, 0, () => describeState.call(model, s)) } : {}),
  } as AnyModel;
}

/** What the parent needs to name the code a worker got stuck in. */
export interface ModelNames {
  readonly model: string;
  readonly operations: readonly string[];
  readonly invariants: readonly string[];
}

/** The names `describeStuck` looks up. */
export function modelNames(model: AnyModel): ModelNames {
  return { model: model.name, operations: [...model.operationNames], invariants: model.invariants.map((i) => i.name) };
}

/** Names the user code the cell says a worker is in ("operation 'refresh'"), or undefined. */
export function describeStuck(cell: Int32Array, names: ModelNames | undefined): string | undefined {
  const kind = cell[CELL.kind];
  const index = cell[CELL.index] as number;
  if (!names || kind === USER_CODE.none) return undefined;
  if (kind === USER_CODE.operation) return `operation '${names.operations[index] ?? index}'`;
  if (kind === USER_CODE.invariant) return `invariant '${names.invariants[index] ?? index}'`;
  if (kind === USER_CODE.when) return `the 'when' of invariant '${names.invariants[index] ?? index}'`;
  if (kind === USER_CODE.setup) return 'setup()';
  return 'describeState()';
}
