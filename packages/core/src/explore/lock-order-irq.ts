import type { AnyModel } from '../model.js';
import type { CpuState } from '../primitives/cpus.js';
import { Run } from '../run.js';
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

/** One usage as a report shows it: its acquisition chain (the locks held, then this one) and where. */
export interface IrqUsage {
  readonly lock: string;
  readonly side: 'read' | 'write';
  readonly context: IrqContext;
  /** The locks held when it was taken, in the order taken. */
  readonly held: readonly string[];
  /** The kernel function whose step took it. */
  readonly takenIn: string;
  readonly cpu: number;
  readonly operation: string;
  readonly scenario: Scenario;
}

/** A lock taken both with interrupts on and in an interrupt handler: lockdep's "inconsistent lock state". */
export interface IrqDeadlock {
  readonly lock: string;
  /** The acquisition with interrupts enabled (irq-unsafe). */
  readonly irqsOn: IrqUsage;
  /** The acquisition in interrupt context (irq-safe). */
  readonly inIrq: IrqUsage;
  /** One line: `possible deadlock: L taken with interrupts enabled in f() ... and in interrupt context in g() ...`. */
  readonly message: string;
}

/**
 * The usage of a recorded witness: its execution replayed with a trace up to the step that took
 * the lock, for the kernel function (an untraced run does not know it). Call it outside
 * `withLockWatch`, or the replay records itself.
 */
export function irqUsageOf(model: AnyModel, fixes: readonly string[], w: IrqUsageWitness): IrqUsage {
  const run = new Run(model, new Set(fixes), w.scenario, { trace: true });
  for (const tid of w.schedule) run.step(tid);
  const taken = (run.trace ?? [])[w.schedule.length - 1];
  return { lock: w.lock, side: w.shared ? 'read' : 'write', context: w.context, held: w.held, takenIn: taken?.fn ?? '?', cpu: w.thread, operation: taken?.operation ?? '?', scenario: w.scenario };
}

/** `L (read) in f() on CPU0 (op), holding A, B`. */
function describeUsage(u: IrqUsage, rw: boolean): string {
  return `${u.lock}${rw ? ` (${u.side})` : ''} in ${u.takenIn}() on CPU${u.cpu} (${u.operation})${u.held.length ? `, holding ${u.held.join(', ')}` : ''}`;
}

/**
 * lockdep's irq-safe/irq-unsafe rule (mark_lock_irq()): a lock taken in interrupt context must
 * never be taken with interrupts enabled, or an interrupt arriving on the CPU that holds it spins
 * on it for ever. Both read sides conflict with nothing (a reader in an interrupt does not wait
 * for a reader, even with a writer waiting: queued rwlocks let interrupt readers in), as lockdep's
 * USED_IN_HARDIRQ_READ against ENABLED_HARDIRQ_READ; any write side conflicts. One report per lock.
 */
export function irqDeadlocks(usages: readonly IrqUsage[]): IrqDeadlock[] {
  const out: IrqDeadlock[] = [];
  const reported = new Set<string>();
  const rw = new Set(usages.filter((u) => u.side === 'read').map((u) => u.lock));
  for (const inIrq of usages) {
    if (inIrq.context !== 'in-irq' || reported.has(inIrq.lock)) continue;
    const irqsOn = usages.find((u) => u.context === 'irqs-on' && u.lock === inIrq.lock && (u.side === 'write' || inIrq.side === 'write'));
    if (irqsOn === undefined) continue;
    reported.add(inIrq.lock);
    const isRw = rw.has(inIrq.lock);
    out.push({
      lock: inIrq.lock,
      irqsOn,
      inIrq,
      message: `possible deadlock: ${describeUsage(irqsOn, isRw)} with interrupts enabled ... ${describeUsage(inIrq, isRw)} in interrupt context: an interrupt on CPU${irqsOn.cpu} while it holds ${inIrq.lock} would spin on it for ever`,
    });
  }
  return out;
}
