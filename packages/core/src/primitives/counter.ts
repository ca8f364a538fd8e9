import type { ObjectWorld } from '../sim-object.js';
import type { Step, Steps } from '../step.js';
import { Var } from './var.js';

const plusOne = (n: number): number => n + 1;

/**
 * A sequence or generation counter (`mmu_notifier_seq`, `slots->generation`): a shared number
 * with one-step `read`, `increment` and `add`.
 */
export class Counter extends Var<number> {
  declare readonly kind: string;
  private declare incrementYield: IteratorYieldResult<Step> | null;

  // An explicit constructor (a default one forwards its arguments through a slow generic path),
  // and fields assigned here rather than as class fields.
  constructor(world: ObjectWorld, name: string, initial: number) {
    super(world, name, initial);
    this.kind = 'counter';
    this.incrementYield = null;
  }

  /** One step: `counter++`; returns the new value. */
  increment(label?: string): Steps<number> {
    if (label !== undefined) return this.update(plusOne, label);
    // The default label never changes, so its step is made once.
    const first = (this.incrementYield ??= this.labelledWrite(`${this.name}++`));
    return this.updateWith(first, plusOne);
  }

  /** One step: `counter += delta`; returns the new value. */
  add(delta: number, label?: string): Steps<number> {
    return this.update((n) => n + delta, label ?? `${this.name} += ${delta}`);
  }
}
