import type { ExecutionGraph } from '../../exec/graph.js';
import { Relation } from '../../relation/relation.js';
import { gracePeriodsOf, sectionsOf } from './critical-sections.js';

// RCU's guarantee for the models that order events in one global order (SC, and x86-TSO's global
// happens-before): a grace period has a start and an end, and each read-side critical section of
// its domain either ends before the grace period ends or begins after it starts (the "fundamental
// law" of RCU, explanation.txt §22). The order must stay acyclic for some choice of side for every
// (grace period, section) pair; the choices are searched depth first.

/**
 * Whether `order` (over the graph's events, already holding each grace period's event where its
 * thread's program order puts it) can be extended by the grace-period rule and stay acyclic.
 * `order` must link each section's events to its lock and unlock events (SC's po does).
 */
export function acyclicWithGracePeriods(g: ExecutionGraph, order: Relation): boolean {
  const sk = g.skeleton;
  const gps = gracePeriodsOf(sk);
  if (gps.length === 0) return order.acyclic();
  const sections = sectionsOf(g);
  const n = sk.n;
  const size = n + gps.length;
  // Node g.event is the grace period's start; node n+i its end, before everything po-after it.
  const big = new Relation(size);
  for (const [a, b] of order.pairs()) big.set(a, b);
  gps.forEach((gp, i) => {
    big.set(gp.event, n + i);
    for (const b of sk.po.row(gp.event)) big.set(n + i, b);
  });
  const choices: Array<{ ends: [number, number]; starts: [number, number] }> = [];
  gps.forEach((gp, i) => {
    for (const s of sections) {
      if (s.domain !== gp.domain) continue;
      choices.push({ ends: [s.unlock, n + i], starts: [gp.event, s.lock] });
    }
  });
  const search = (k: number, rel: Relation): boolean => {
    if (!rel.acyclic()) return false;
    if (k === choices.length) return true;
    const c = choices[k]!;
    for (const [a, b] of [c.ends, c.starts]) {
      if (rel.has(a, b)) return search(k + 1, rel);
    }
    for (const [a, b] of [c.ends, c.starts]) {
      const next = new Relation(size, rel.bits.slice());
      next.set(a, b);
      if (search(k + 1, next)) return true;
    }
    return false;
  };
  return search(0, big);
}
