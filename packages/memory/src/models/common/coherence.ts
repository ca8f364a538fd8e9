import type { BaseRelations } from './base-relations.js';

// The two axioms every model here shares.

/**
 * Sequential consistency per variable: po-loc ∪ rf ∪ co ∪ fr is acyclic (explanation.txt §16
 * SEQUENTIAL CONSISTENCY PER VARIABLE; the "uniproc" axiom of x86-TSO and of SC).
 */
export function coherent(b: BaseRelations): boolean {
  return b.poLoc.union(b.com).acyclic();
}

/**
 * Atomicity of read-modify-writes: no write of another CPU comes, in coherence, between the write
 * an RMW reads and the RMW's own write: rmw ∩ (fre ; coe) = ∅ (explanation.txt §17 ATOMIC UPDATES:
 * rmw).
 */
export function atomic(b: BaseRelations): boolean {
  return b.sk.rmw.inter(b.fre.seq(b.coe)).isEmpty();
}
