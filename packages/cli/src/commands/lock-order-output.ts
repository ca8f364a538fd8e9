import type { LockOrderReport } from '@kvmrace/core';
import pc from 'picocolors';

/** `1 dependency`, `2 dependencies`. */
function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The `lockOrder` section of `verify --json` and `hunt --json` (see README: keep these names): the
 * core report as it is, so that `mergeLockOrderReports` merges the sections of `--shard` jobs.
 */
export function lockOrderJson(r: LockOrderReport): Record<string, unknown> {
  return {
    dependencies: r.dependencies,
    possibleDeadlocks: r.possibleDeadlocks.map((d) => ({ locks: d.locks, chains: d.chains, message: d.message })),
    irqUsages: r.irqUsages,
    irqDeadlocks: r.irqDeadlocks.map((d) => ({ rule: d.rule, lock: d.lock, irqsOn: d.irqsOn, inIrq: d.inIrq, ...(d.order ? { order: d.order } : {}), message: d.message })),
  };
}

/** The lock-order lines of `verify` and `hunt` text: each possible deadlock, or that there is none. */
export function lockOrderText(r: LockOrderReport): string {
  const found = [...r.possibleDeadlocks, ...r.irqDeadlocks];
  if (found.length === 0) {
    const inIrq = r.irqUsages.filter((u) => u.context === 'in-irq').length;
    const irq = inIrq ? `; ${plural(inIrq, 'lock', 'locks')} taken in interrupt context, none also with interrupts enabled` : '';
    return `lock order: ${plural(r.dependencies.length, 'dependency', 'dependencies')} seen (a lock taken while another was held), no cycle${irq}`;
  }
  return found.map((d) => `${pc.red('possible deadlock')}${d.message.slice('possible deadlock'.length)}`).join('\n');
}

/** True when lock orders were recorded and some cycle among them, or some lock taken with interrupts on and in a handler, can deadlock: a finding (exit 1). */
export function hasPossibleDeadlock(r: LockOrderReport | undefined): boolean {
  return r !== undefined && (r.possibleDeadlocks.length > 0 || r.irqDeadlocks.length > 0);
}
