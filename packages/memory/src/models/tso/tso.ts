import type { ExecutionGraph } from '../../exec/graph.js';
import { Tag } from '../../exec/tags.js';
import { EventSet } from '../../relation/event-set.js';
import { Relation } from '../../relation/relation.js';
import { BaseRelations } from '../common/base-relations.js';
import { atomic, coherent } from '../common/coherence.js';
import { sectionsOf } from '../common/critical-sections.js';
import { acyclicWithGracePeriods } from '../common/grace-periods.js';
import { consistent, inconsistent, type MemoryModel, type ModelVerdict } from '../model.js';

// x86-TSO (Owens, Sarkar, Sewell, "A better x86 memory model: x86-TSO", TPHOLs 2009), in its
// axiomatic form: uniproc, atomicity, and one global happens-before
//   ghb = ppo ∪ mfence ∪ implied ∪ rfe ∪ fr ∪ co   acyclic,
// where ppo is program order minus store→load pairs (a FIFO store buffer lets a load pass an
// earlier store, and only that), mfence orders across an mfence, and implied orders across locked
// instructions. The kernel's x86 mapping decides what is what: every access is a mov; smp_mb() is
// an mfence (so are synchronize_rcu() and synchronize_srcu(), which imply smp_mb()); smp_rmb(),
// smp_wmb(), acquire, release and the smp_mb__*() helpers compile to nothing but a compiler
// barrier; every atomic RMW (value-returning or not, _relaxed or not), xchg(), cmpxchg() (also
// when it fails), spin_lock() and spin_trylock() is a locked instruction; spin_unlock() is a plain
// store. srcu_read_lock() and srcu_read_unlock() are full fences too: on x86 (srcutree.c's
// __srcu_read_lock() and __srcu_read_unlock()) each is a per-CPU increment beside an smp_mb(),
// which is also why smp_mb__after_srcu_read_unlock() is empty there. RCU keeps its guarantee as
// under SC (grace-periods.ts).

const FULL_FENCES = Tag.F_MB | Tag.SYNC_RCU | Tag.SYNC_SRCU | Tag.SRCU_LOCK | Tag.SRCU_UNLOCK;

export const tsoModel: MemoryModel = {
  name: 'tso',
  check(graph: ExecutionGraph): ModelVerdict {
    const b = new BaseRelations(graph);
    if (!coherent(b)) return inconsistent('uniproc');
    if (!atomic(b)) return inconsistent('atomic');
    const sk = b.sk;
    const { ppo, fenced, sections } = sk.memoize('tso-static', () => {
      const M = sk.M;
      const locked = sk.tagged(Tag.LOCKED);
      const poM = b.po.restrict(M, M);
      const storeLoad = poM.restrict(sk.W.minus(locked), sk.R.minus(locked));
      const mfence = b.fencerel(sk.tagged(FULL_FENCES)).restrict(M, M);
      // A grace period's event orders like an mfence: everything before it, before it; it, before everything after.
      const gp = sk.tagged(Tag.SYNC_RCU | Tag.SYNC_SRCU);
      const aroundGp = b.po.restrict(M, gp).union(b.po.restrict(gp, M));
      return { ppo: poM.minus(storeLoad), fenced: mfence.union(aroundGp), sections: !gp.isEmpty() };
    });
    let ghb = ppo.union(fenced, b.rfe, b.fr, b.co);
    if (sections) ghb = ghb.union(sectionMembership(graph));
    return acyclicWithGracePeriods(graph, ghb) ? consistent : inconsistent('tso');
  },
};

/** Links each read-side critical section's accesses after its lock event and before its unlock. */
function sectionMembership(graph: ExecutionGraph): Relation {
  const sk = graph.skeleton;
  const r = new Relation(sk.n);
  for (const s of sectionsOf(graph)) {
    const inside = EventSet.filter(sk.n, (e) => sk.M.has(e) && sk.po.has(s.lock, e) && sk.po.has(e, s.unlock));
    for (const e of inside) {
      r.set(s.lock, e);
      r.set(e, s.unlock);
    }
  }
  return r;
}
