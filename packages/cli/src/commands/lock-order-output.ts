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
  };
}

/** The lock-order lines of `verify` and `hunt` text: each possible deadlock, or that there is none. */
export function lockOrderText(r: LockOrderReport): string {
  if (r.possibleDeadlocks.length === 0) return `lock order: ${plural(r.dependencies.length, 'dependency', 'dependencies')} seen (a lock taken while another was held), no cycle`;
  return r.possibleDeadlocks.map((d) => `${pc.red('possible deadlock')}${d.message.slice('possible deadlock'.length)}`).join('\n');
}

/** True when lock orders were recorded and some cycle among them can deadlock: a finding (exit 1). */
export function hasPossibleDeadlock(r: LockOrderReport | undefined): boolean {
  return r !== undefined && r.possibleDeadlocks.length > 0;
}
