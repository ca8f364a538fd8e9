import { Tag } from '@kvmrace/memory/models';
import type { ObjectWorld } from '../sim-object.js';
import { Srcu } from './srcu.js';

const LABELS = ['rcu_read_lock()', 'rcu_read_unlock()'];

/**
 * Classic RCU: `rcu_read_lock()`/`rcu_read_unlock()` and `synchronize_rcu()`, which waits for the
 * read-side critical sections in progress when it was called (as `Srcu` does, with one domain for
 * the whole machine). Under a weak memory model its calls are the LKMM's RCU events
 * (explanation.txt §22), and the grace-period guarantee is checked by the model as well.
 */
export class Rcu extends Srcu {
  constructor(world: ObjectWorld, name: string) {
    super(world, name);
    (this as { kind: string }).kind = 'rcu';
  }

  /** @internal */
  override stepLabel(op: number): string {
    return LABELS[op] ?? super.stepLabel(op);
  }

  protected override weakReadLock(): void {
    this.world.weak?.event(Tag.RCU_LOCK);
  }

  protected override weakReadUnlock(): void {
    this.world.weak?.event(Tag.RCU_UNLOCK);
  }

  protected override weakSynchronize(): void {
    this.world.weak?.event(Tag.SYNC_RCU);
  }

  protected override get synchronizeName(): string {
    return 'synchronize_rcu()';
  }
}
