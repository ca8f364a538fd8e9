import { Tag } from '../../exec/tags.js';
import type { Relation } from '../../relation/relation.js';
import type { LkmmContext } from './context.js';
import { poUnlockLockPo } from './locking.js';
import { lkmmSets } from './sets.js';

// Fences and the orderings of acquire and release (explanation.txt §14 PROPAGATION ORDER RELATION:
// cumul-fence, §18 THE PRESERVED PROGRAM ORDER RELATION: ppo, §20 THE HAPPENS-BEFORE RELATION).
// smp_mb() orders everything; a fully ordered RMW acts as if smp_mb() stood on either side of it;
// smp_mb__before_atomic()/__after_atomic() make the next/previous RMW fully ordered;
// smp_mb__after_spinlock() makes the previous spin_lock() a full fence; smp_mb__after_unlock_lock()
// makes an unlock+lock pair one; synchronize_rcu() and synchronize_srcu() are strong fences.

export interface Fences {
  readonly acqPo: Relation;
  readonly poRel: Relation;
  readonly rmb: Relation;
  readonly wmb: Relation;
  readonly mb: Relation;
  readonly gp: Relation;
  readonly strongFence: Relation;
  /** strong-fence ∪ po-rel ∪ acq-po. */
  readonly nonrwFence: Relation;
  /** nonrw-fence ∪ wmb ∪ rmb. */
  readonly fence: Relation;
}

export function fences(c: LkmmContext): Fences {
  const fixed = c.staticRel('lkmm:fences', () => {
    const sk = c.sk;
    const s = lkmmSets(c);
    const M = sk.M;
    const po = c.po;
    const poOpt = po.opt();
    const acqPo = po.fromSet(s.Acquire).toSet(M);
    const poRel = po.fromSet(M).toSet(s.Release);
    const rmb = c.fencerel(sk.tagged(Tag.F_RMB)).restrict(s.R4rmb, s.R4rmb);
    const wmb = c.fencerel(sk.tagged(Tag.F_WMB)).restrict(sk.W, sk.W);
    let mb = c.fencerel(s.Mb).restrict(M, M)
      .union(po.fromSet(M).toSet(s.Mb.inter(sk.R)))
      .union(po.fromSet(s.Mb.inter(sk.W)).toSet(M));
    const before = sk.tagged(Tag.BEFORE_ATOMIC);
    if (!before.isEmpty()) mb = mb.union(c.fencerel(before).fromSet(M).toSet(s.RMW).seq(poOpt).toSet(M));
    const after = sk.tagged(Tag.AFTER_ATOMIC);
    if (!after.isEmpty()) mb = mb.union(poOpt.fromSet(M).toSet(s.RMW).seq(c.fencerel(after)).toSet(M));
    const afterSpinlock = sk.tagged(Tag.AFTER_SPINLOCK);
    if (!afterSpinlock.isEmpty()) mb = mb.union(poOpt.fromSet(M).toSet(s.LKW).seq(c.fencerel(afterSpinlock)).toSet(M));
    const afterSrcu = sk.tagged(Tag.AFTER_SRCU_READ_UNLOCK);
    if (!afterSrcu.isEmpty()) mb = mb.union(poOpt.fromSet(M).toSet(sk.tagged(Tag.SRCU_UNLOCK)).seq(c.fencerel(afterSrcu)).toSet(M));
    const gp = po.toSet(sk.tagged(Tag.SYNC_RCU | Tag.SYNC_SRCU)).seq(poOpt);
    return { acqPo, poRel, rmb, wmb, mb, gp, afterUnlockLock: sk.tagged(Tag.AFTER_UNLOCK_LOCK) };
  });
  // Without smp_mb__after_unlock_lock() every fence relation is value-independent: shared.
  if (fixed.afterUnlockLock.isEmpty()) return c.staticRel('lkmm:fences-all', () => withMb(fixed, fixed.mb));
  // smp_mb__after_unlock_lock(): [M] ; po-unlock-lock-po ; [After-unlock-lock] ; po ; [M]
  return withMb(fixed, fixed.mb.union(poUnlockLockPo(c).fromSet(c.sk.M).toSet(fixed.afterUnlockLock).seq(c.po).toSet(c.sk.M)));
}

function withMb(fixed: Pick<Fences, 'acqPo' | 'poRel' | 'rmb' | 'wmb' | 'gp'>, mb: Relation): Fences {
  const strongFence = mb.union(fixed.gp);
  const nonrwFence = strongFence.union(fixed.poRel, fixed.acqPo);
  const fence = nonrwFence.union(fixed.wmb, fixed.rmb);
  return { acqPo: fixed.acqPo, poRel: fixed.poRel, rmb: fixed.rmb, wmb: fixed.wmb, mb, gp: fixed.gp, strongFence, nonrwFence, fence };
}
