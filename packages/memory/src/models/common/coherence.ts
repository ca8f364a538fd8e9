import type { BaseRelations } from './base-relations.js';

// The two axioms every model here shares.

/**
 * Sequential consistency per variable: po-loc ∪ rf ∪ co ∪ fr is acyclic (explanation.txt §16
 * SEQUENTIAL CONSISTENCY PER VARIABLE; the "uniproc" axiom of x86-TSO and of SC).
 */
export function coherent(b: BaseRelations): boolean {
  if (b.graph.coherentByLocation) return true;
  return b.poLoc.union(b.com).acyclic();
}

/**
 * Atomicity of read-modify-writes: no write of another CPU comes, in coherence, between the write
 * an RMW reads and the RMW's own write: rmw ∩ (fre ; coe) = ∅ (explanation.txt §17 ATOMIC UPDATES:
 * rmw).
 */
export function atomic(b: BaseRelations): boolean {
  // The RMW's read and write are of one thread, so fre ; coe from its read to its write is a write
  // of another thread strictly between the two in coherence: looked for directly, pair by pair
  // (the relational form allocates four relations per judgement, for a handful of pairs).
  if (b.graph.coherentByLocation) return true;
  const sk = b.sk;
  const { rfOf, co } = b.graph;
  for (const r of sk.memoize('rmw-reads', () => sk.rmw.domain().toArray())) {
    const from = rfOf[r]!;
    if (from < 0) continue;
    const order = co[sk.events[r]!.loc]!;
    const thread = sk.events[r]!.thread;
    const start = order.indexOf(from);
    let ok = true;
    sk.rmw.eachOfRow(r, (w) => {
      const end = order.indexOf(w);
      for (let i = start + 1; i < end; i++) if (sk.events[order[i]!]!.thread !== thread) ok = false;
    });
    if (!ok) return false;
  }
  return true;
}
