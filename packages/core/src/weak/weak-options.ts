import type { Chooser } from './chooser.js';

/** How a run explores weak memory: under which model, which barriers off, where its choices come from. */
export interface WeakRunOptions {
  readonly memory: 'tso' | 'lkmm';
  /** Barrier toggles turned off (`read_seqcount_begin:smp_rmb`). */
  readonly withoutBarriers?: ReadonlySet<string>;
  /** Where each reads-from and coherence choice comes from. */
  readonly chooser: Chooser;
  /**
   * Judge the execution graph after every step, also after one that cannot close a cycle (see
   * `WeakMemory.checkIfChanged`): the same results, slower. For checking that shortcut.
   */
  readonly judgeEveryStep?: boolean;
}
