import type { AnyModel } from '../model.js';
import type { ObjectWorld } from '../sim-object.js';
import { barrierNames } from './model-barriers.js';
import { WeakMemory } from './weak-memory.js';
import type { WeakRunOptions } from './weak-options.js';

const NO_BARRIERS_OFF: ReadonlySet<string> = new Set();

/** The weak memory of one run of `model`: its barriers known, the run's toggles off. */
export function weakMemoryFor(model: AnyModel, world: ObjectWorld, threads: number, options: WeakRunOptions, tracing: boolean): WeakMemory {
  return new WeakMemory(options.memory, world, threads, options.chooser, options.withoutBarriers ?? NO_BARRIERS_OFF, barrierNames(model), tracing, options.judgeEveryStep === true);
}
