import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import { describeChain, type LockOrderChain } from './lock-order-chain.js';
import { blocks } from './lock-order-cycles.js';
import type { IrqContext, IrqUsageWitness } from './lock-order-irq-usage.js';

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

/**
 * A possible deadlock against an interrupt, by lockdep's two irq rules: `inconsistent`, one lock
 * taken both with interrupts on and in a handler ("inconsistent lock state"); `safe-to-unsafe`, an
 * irq-safe lock held while taking an irq-unsafe one ("HARDIRQ-safe -> HARDIRQ-unsafe lock order
 * detected"): a CPU holding the unsafe lock takes an interrupt that waits for the safe one, whose
 * holder waits for the unsafe one.
 */
export interface IrqDeadlock {
  readonly rule: 'inconsistent' | 'safe-to-unsafe';
  /** The lock taken in interrupt context (irq-safe). */
  readonly lock: string;
  /** The acquisition with interrupts enabled (irq-unsafe): of `lock`, or of the lock `order` takes. */
  readonly irqsOn: IrqUsage;
  /** The acquisition of `lock` in interrupt context. */
  readonly inIrq: IrqUsage;
  /** For `safe-to-unsafe`: the dependency, the unsafe lock taken while `lock` was held. */
  readonly order?: LockOrderChain;
  /** One line: `possible deadlock: L ... with interrupts enabled ... L ... in interrupt context: ...`. */
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
 * lockdep's irq-safe/irq-unsafe rules. First (mark_lock_irq()): a lock taken in interrupt
 * context must never be taken with interrupts enabled, or an interrupt arriving on the CPU that
 * holds it spins on it for ever. Two read sides do not conflict (a reader in an interrupt does not
 * wait for a reader, even with a writer waiting: queued rwlocks let interrupt readers in), as
 * lockdep's USED_IN_HARDIRQ_READ against ENABLED_HARDIRQ_READ; any write side does. Second
 * (check_irq_usage()), over `dependencies`: an irq-safe lock held while an irq-unsafe one is
 * taken, one hop, the sides of each wait checked the same way. One report per irq-safe lock.
 */
export function irqDeadlocks(usages: readonly IrqUsage[], dependencies: readonly LockOrderChain[] = []): IrqDeadlock[] {
  const out: IrqDeadlock[] = [];
  const reported = new Set<string>();
  const rw = new Set(usages.filter((u) => u.side === 'read').map((u) => u.lock));
  for (const d of dependencies) {
    if (d.heldSide === 'read') rw.add(d.held);
    if (d.takenSide === 'read') rw.add(d.taken);
  }
  for (const inIrq of usages) {
    if (inIrq.context !== 'in-irq' || reported.has(inIrq.lock)) continue;
    const irqsOn = usages.find((u) => u.context === 'irqs-on' && u.lock === inIrq.lock && blocks(inIrq.side, u.side));
    if (irqsOn === undefined) continue;
    reported.add(inIrq.lock);
    const isRw = rw.has(inIrq.lock);
    out.push({
      rule: 'inconsistent',
      lock: inIrq.lock,
      irqsOn,
      inIrq,
      message: `possible deadlock: ${describeUsage(irqsOn, isRw)} with interrupts enabled ... ${describeUsage(inIrq, isRw)} in interrupt context: an interrupt on CPU${irqsOn.cpu} while it holds ${inIrq.lock} would spin on it for ever`,
    });
  }
  // lockdep's second rule, on the dependencies seen: safe held while taking unsafe. Locks the
  // first rule reported are left out (lockdep reports the first problem it meets, once).
  for (const order of dependencies) {
    const { held: safe, taken: unsafe } = order;
    if (reported.has(safe) || reported.has(unsafe)) continue;
    // The handler waits for the dependency's holder of `safe`; that holder waits for the CPU holding `unsafe`.
    const inIrq = usages.find((u) => u.context === 'in-irq' && u.lock === safe && blocks(u.side, order.heldSide));
    const irqsOn = usages.find((u) => u.context === 'irqs-on' && u.lock === unsafe && blocks(order.takenSide, u.side));
    if (inIrq === undefined || irqsOn === undefined) continue;
    reported.add(safe);
    out.push({
      rule: 'safe-to-unsafe',
      lock: safe,
      irqsOn,
      inIrq,
      order,
      message: `possible deadlock: ${describeUsage(inIrq, rw.has(safe))} in interrupt context ... ${describeChain(order, rw)} ... ${describeUsage(irqsOn, rw.has(unsafe))} with interrupts enabled: an interrupt on CPU${irqsOn.cpu} while it holds ${unsafe} would wait for ${safe}, whose holder waits for ${unsafe}`,
    });
  }
  return out;
}
