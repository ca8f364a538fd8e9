import type { CpuState } from '../primitives/cpus.js';
import type { Scenario } from '../scenario.js';

/**
 * How a lock was taken, as lockdep's usage bits tell: with hardirqs enabled (`irqs-on`, lockdep's
 * HARDIRQ-ON: the lock is irq-unsafe) or in hardirq context (`in-irq`, IN-HARDIRQ: irq-safe).
 * A lock taken with interrupts off outside a handler is neither.
 */
export type IrqContext = 'irqs-on' | 'in-irq';

/** The context of an acquisition on a CPU in `state`, or undefined when it is neither. */
export function irqContextOf(state: CpuState): IrqContext | undefined {
  return state === 'host-irq-on' ? 'irqs-on' : state === 'in-irq' ? 'in-irq' : undefined;
}

/** The key of a usage: the lock, its side, the context. */
export function irqUsageKey(lock: string, shared: boolean, context: IrqContext): string {
  return `${lock}\u0000${shared ? 'r' : 'w'}\u0000${context}`;
}

/** The first execution that took a lock in one context, as the recorder keeps it. */
export interface IrqUsageWitness {
  readonly lock: string;
  /** True for an rwlock's read side. */
  readonly shared: boolean;
  readonly context: IrqContext;
  readonly thread: number;
  readonly scenario: Scenario;
  /** Its schedule up to the step that took the lock. */
  readonly schedule: readonly number[];
  /** The locks the thread held then, in the order taken. */
  readonly held: readonly string[];
}
