import { describeChain, type LockOrderChain } from './lock-order-chain.js';
import { irqDeadlocks, type IrqDeadlock, type IrqUsage } from './lock-order-irq.js';
import { irqUsageKey } from './lock-order-irq-usage.js';
import { dependencyKey } from './lock-order-recorder.js';
import { lockOrderCycles } from './lock-order-cycles.js';

/** A cycle of the lock-order graph: lockdep's "possible circular locking dependency detected". */
export interface PossibleDeadlock {
  /** The locks of the cycle, in its order. */
  readonly locks: readonly string[];
  /** One acquisition chain per lock: each takes the lock the next one holds. */
  readonly chains: readonly LockOrderChain[];
  /** One line: `possible deadlock: A then B in f() on CPU0 ... B then A in g() on CPU1`. */
  readonly message: string;
}

/** The lock orders seen across every execution explored. */
export interface LockOrderReport {
  /** Every dependency (a lock taken while another was held), first seen first. */
  readonly dependencies: readonly LockOrderChain[];
  /** The cycles among them that can deadlock, even if no execution explored did. */
  readonly possibleDeadlocks: readonly PossibleDeadlock[];
  /** Every lock taken with interrupts enabled or in an interrupt handler (each lock, side and context once), first seen first. */
  readonly irqUsages: readonly IrqUsage[];
  /** The locks taken both ways (lockdep's irq-safe/irq-unsafe rule): each can deadlock against an interrupt. */
  readonly irqDeadlocks: readonly IrqDeadlock[];
}

export { describeChain };

/** The report of a set of dependencies and irq usages: their deadlocking cycles and irq conflicts, each described. */
export function lockOrderReport(dependencies: readonly LockOrderChain[], irqUsages: readonly IrqUsage[] = []): LockOrderReport {
  // A lock taken on its read side anywhere is an rwlock: name the sides of its acquisitions.
  const rw = new Set<string>();
  for (const d of dependencies) {
    if (d.heldSide === 'read') rw.add(d.held);
    if (d.takenSide === 'read') rw.add(d.taken);
  }
  const possibleDeadlocks = lockOrderCycles(dependencies).map((chains) => ({
    locks: chains.map((c) => c.held),
    chains,
    message: `possible deadlock: ${chains.map((c) => describeChain(c, rw)).join(' ... ')}`,
  }));
  return { dependencies, possibleDeadlocks, irqUsages, irqDeadlocks: irqDeadlocks(irqUsages, dependencies) };
}

/**
 * The report over several searches (a verification's shards, several scenarios): the union of
 * their dependencies and irq usages, the first report's witness kept for each, and the cycles and
 * irq conflicts of the union (an inversion may have one order in one shard and the other in another).
 */
export function mergeLockOrderReports(reports: readonly LockOrderReport[]): LockOrderReport {
  const byKey = new Map<string, LockOrderChain>();
  const usages = new Map<string, IrqUsage>();
  for (const r of reports) {
    for (const d of r.dependencies) {
      const key = dependencyKey({ from: d.held, fromShared: d.heldSide === 'read', to: d.taken, toShared: d.takenSide === 'read' });
      if (!byKey.has(key)) byKey.set(key, d);
    }
    // A report made before irq usages were recorded (a worker of an older build) has none.
    for (const u of r.irqUsages ?? []) {
      const key = irqUsageKey(u.lock, u.side === 'read', u.context);
      if (!usages.has(key)) usages.set(key, u);
    }
  }
  return lockOrderReport([...byKey.values()], [...usages.values()]);
}
