import type { Steps } from '../step.js';
import { Var } from './var.js';

/**
 * A sequence or generation counter (`mmu_notifier_seq`, `slots->generation`): a shared number
 * with one-step `read`, `increment` and `add`.
 */
export class Counter extends Var<number> {
  override readonly kind: string = 'counter';
  /** One step: `counter++`; returns the new value. */
  *increment(label?: string): Steps<number> {
    return yield* this.update((n) => n + 1, label ?? `${this.name}++`);
  }

  /** One step: `counter += delta`; returns the new value. */
  *add(delta: number, label?: string): Steps<number> {
    return yield* this.update((n) => n + delta, label ?? `${this.name} += ${delta}`);
  }
}
