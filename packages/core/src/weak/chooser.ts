/**
 * Where a run under a weak memory model gets each of its choices: which write a read reads from,
 * where a write goes in its location's coherence order. `choose(count)` returns an index in
 * `[0, count)`; 0 is always the sequentially consistent choice (the coherence-latest write, the end
 * of the order), so a run that always chooses 0 is an interleaving of the kind `sc` explores.
 */
export interface Chooser {
  choose(count: number): number;
  /**
   * Like `choose`, but only among the options `allowed` accepts (option 0 always is): an explorer
   * asks `allowed` (which judges the graph with that option taken) when it first meets the choice,
   * so that no run is started only to be dropped at once. A chooser without it is given `choose`.
   */
  chooseAmong?(count: number, allowed: (option: number) => boolean): number;
  /**
   * True while every choice so far repeats an earlier run's, which went on past this point: the
   * graph so far was judged consistent then, and need not be judged again.
   */
  replaying?(): boolean;
}

/** The sequentially consistent choice every time. */
export const LATEST: Chooser = { choose: () => 0 };

/** Replays recorded choices, then chooses 0 (a token's `choices`). */
export class RecordedChoices implements Chooser {
  private at = 0;
  constructor(private readonly choices: readonly number[]) {}

  choose(count: number): number {
    const c = this.choices[this.at++] ?? 0;
    if (c >= count) throw new RangeError(`recorded choice ${c} out of ${count}: the token does not match this model`);
    return c;
  }
}
