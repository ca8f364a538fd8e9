import type { AnyModel } from '../model.js';
import { Run } from '../run.js';
import type { Scenario } from '../scenario.js';
import { FootprintObserver, writesObjectOf, type Footprint } from './footprint.js';
import type { SequenceStep } from './dpor-wakeup-tree.js';

/**
 * What DPOR needs to know of a race `e_i ⋖ e'` it is about to reverse, `v = notdep(e_i).e'` (see
 * `Dpor.addBacktrack`): whether `e'` can run after the state before `e_i` and the rest of `v`
 * (the paper reverses only such races), and, for an `e'` that was only pending, the footprint it
 * shows there (a declared footprint can miss what a step writes, so it cannot prove `e'`
 * independent of a sleeping thread's step). A fresh run takes the steps and asks; the cheap
 * cases are decided without one.
 */
export class RaceReplay {
  private readonly observer = new FootprintObserver();
  /** Runs taken to decide races. */
  runs = 0;

  constructor(
    private readonly model: AnyModel,
    private readonly fixes: ReadonlySet<string>,
    private readonly scenario: Scenario,
    private readonly maxSteps: number | undefined,
  ) {}

  /**
   * Whether `e'`, the last of `v` and a step that can block, can run after the state before `e_i`
   * (footprint `ei`; `enabledThere`: the threads enabled in that state) and the rest of `v`, when
   * that is known without a run: its `enabled` test reads only its thread and the objects it
   * touches, and the writers of those after `e_i` are `e_i` or in `v` (a later one would happen
   * after `e_i` and before `e'`, and the race would not be immediate). When `e_i` writes none of
   * them nothing changes: yes. When `v` holds no other step of its thread nor a write of them,
   * `e'` is the thread's step pending before `e_i`, enabled there or not. Otherwise undefined.
   * An unlock and the acquisition it let through race, but the acquisition cannot go first.
   */
  static knownReversible(ei: Footprint, v: readonly SequenceStep[], enabledThere: readonly number[]): boolean | undefined {
    const last = v[v.length - 1] as SequenceStep;
    if (!writesObjectOf(ei, last.fp)) return true;
    for (let k = 0; k < v.length - 1; k++) {
      const s = v[k] as SequenceStep;
      if (s.tid === last.tid || writesObjectOf(s.fp, last.fp)) return undefined;
    }
    return enabledThere.includes(last.tid);
  }

  /**
   * Runs `prefix` (the schedule up to the state before `e_i`) and the steps of `v` but its last,
   * then `e'`: null when `e'` cannot run there (the race is not reversible), else the footprint
   * it showed. Undefined when a step of `v` could not run or the run ended on the way, which
   * would mean a footprint missed an access: the caller keeps the race as it is.
   */
  lastStep(prefix: readonly number[], v: readonly SequenceStep[]): Footprint | null | undefined {
    this.runs++;
    const run = new Run(this.model, this.fixes, this.scenario, this.maxSteps !== undefined ? { maxSteps: this.maxSteps } : {});
    for (const t of prefix) run.replayStep(t);
    for (let k = 0; k < v.length; k++) {
      const t = (v[k] as SequenceStep).tid;
      const last = k === v.length - 1;
      if (run.outcome !== null) return undefined;
      if (!run.isEnabled(t)) return last ? null : undefined;
      if (last) return this.observer.step(run, t);
      run.step(t);
    }
    return undefined;
  }
}
