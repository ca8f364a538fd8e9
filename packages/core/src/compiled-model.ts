import type { AnyModel } from './model.js';
import type { World } from './world.js';

/** One of a model's invariants. */
export type AnyInvariant = AnyModel['invariants'][number];

/** What a run needs of its model, worked out once per model. */
export interface Compiled {
  /** The invariants checked after every step (not only at the end). */
  readonly always: readonly AnyInvariant[];
  /** Each operation (whose `run` is its thread program). */
  readonly ops: ReadonlyMap<string, AnyModel['operations'][string]>;
  /** A world the model has run in and nobody uses now, to recycle (see `execute`). */
  spare: World | null;
  /** The operation looked up last, and its spec (a thread often runs one operation again). */
  lastOp: string | undefined;
  lastSpec: AnyModel['operations'][string] | undefined;
}

const compiledModels = new WeakMap<AnyModel, Compiled>();

/** The last model compiled: runs of one model usually follow each other. */
let lastModel: AnyModel | null = null;
let lastCompiled: Compiled | null = null;

/** What a run needs of `model`, worked out on its first run and kept. */
export function compile(model: AnyModel): Compiled {
  if (model === lastModel) return lastCompiled as Compiled;
  let c = compiledModels.get(model);
  if (c === undefined) {
    const ops = new Map<string, AnyModel['operations'][string]>();
    for (const name of Object.keys(model.operations)) {
      const spec = model.operations[name];
      if (spec && typeof spec.run === 'function') ops.set(name, spec);
    }
    c = { always: model.invariants.filter((inv) => inv.at !== 'end'), ops, spare: null, lastOp: undefined, lastSpec: undefined };
    compiledModels.set(model, c);
  }
  lastModel = model;
  lastCompiled = c;
  return c;
}

/**
 * Takes the model's spare world, if it has one with `threadCount` CPUs: the caller owns it until
 * it gives it back with `keepSpareWorld` (a nested execution meanwhile makes its own). @internal
 */
export function takeSpareWorld(model: AnyModel, threadCount: number): World | undefined {
  const c = compile(model);
  const spare = c.spare;
  if (spare === null) return undefined;
  c.spare = null;
  return spare.threadCount === threadCount ? spare : undefined;
}

/** Keeps a world whose run is over and whose objects nobody will use again, to recycle. @internal */
export function keepSpareWorld(model: AnyModel, world: World): void {
  compile(model).spare = world;
}
