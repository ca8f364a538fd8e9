import type { AnyModel } from '../model.js';
import type { Scenario } from '../scenario.js';
import { Prng } from '../prng.js';
import { Run } from '../run.js';
import { Dpor } from './dpor-search.js';
import { hasStateInvariants } from './footprint.js';
import { recordInvariantReads } from './visibility.js';
import type { ExploreResult, ExplorerOptions } from './result.js';

/**
 * Stateless exhaustive exploration with optimal DPOR: Algorithm 2 ("Optimal-DPOR", source sets
 * with wakeup trees) of Abdulla, Aronis, Jonsson and Sagonas, "Optimal Dynamic Partial Order
 * Reduction", POPL 2014.
 *
 * Events are steps; two events are dependent when their footprints conflict (same object, one
 * writes; see `footprint.ts`, which also adds the writes a step was seen to do). Happens-before is
 * program order plus dependence, kept as vector clocks. For each reversible race `e ⋖ e'` the
 * sequence `notdep(e).e'` is inserted into the wakeup tree of the state before `e` (see
 * `dpor-wakeup-tree.ts`), unless one of its weak initials sleeps there; a branch begun from a
 * tree follows its subtree, and sleep sets stop re-exploring orders already covered. An execution
 * in which every enabled thread sleeps would be abandoned (counted as redundant); the trees
 * leave none on the tests' generated models and the kernel models' catalogues.
 *
 * Where this differs from the paper, to stay sound with blocking steps (a held lock, an unfinished
 * SRCU grace period, an IPI not yet taken), whose `enabled` predicate reads only objects in the
 * step's own footprint:
 * - races are also computed for the pending step of every thread that is *disabled* at a state, and
 *   of every live thread when the execution ends, as if it ran next; this is how Flanagan and
 *   Godefroid (POPL 2005) catch a blocked lock acquisition racing with an earlier acquisition.
 *   A blocked step races only with events that write one of the objects it touches: before any
 *   other event it would be just as blocked (`detectRaces` in dpor-search.ts), so those races are not
 *   reversible, and reversing them only made executions that end with every thread asleep;
 * - an execution cut short by a failure (or the step budget) ends in a state with no way out, so
 *   the step that got there disabled every live thread's pending step: that step is dependent with
 *   each of them (a transition that disables another depends on it), and they race with it as if
 *   they ran next. Reversing that race runs the thread on, which shows its later steps and their
 *   races; without it a second, different failure behind the first could be missed. In those
 *   sibling runs the cutting step sleeps (ahead of the steps it does not conflict with it fails
 *   just as it did: same reads, and a failing invariant's store writes `VISIBLE_ID`), but it is
 *   only *deferred*: such a run exists to show the rest of the run behind the failure, and when
 *   only deferred steps are left enabled it takes one (which ends it, a maximal execution the
 *   paper's dependence tells apart, as the cutting step disables the others) instead of being
 *   abandoned sleep-set-blocked after doing the very work the cut rule asked for. Source-DPOR
 *   counted most of those runs redundant on models with failures; this only adds steps. A step
 *   already blocked when the run was cut was not disabled by the cut and gets no such race;
 * - a race whose later step can block is reversed only when that step can run after the state
 *   before `e` and the rest of `notdep(e)` (`reversible` in dpor-search.ts): an unlock and the
 *   acquisition it let through race, but the acquisition cannot go first;
 * - when the first step of `notdep(e).e'` is not enabled before `e` (a footprint missed an
 *   access), every thread enabled there is added, Flanagan and Godefroid's conservative fallback;
 *   and a tree branch whose step is not enabled when reached is dropped.
 * Apart from the non-reversible races, these only add dependence, backtrack points or steps. Within a
 * fixed schedule prefix (a shard's unit) nothing is backtracked: the shard enumeration expands
 * those states fully.
 *
 * Invariants checked after every step add no dependence: the runs explored leave them out, and
 * `cut-invariants.ts` checks them at every state of every trace explored (every consistent cut),
 * so the reduction is that of the model without them.
 */
export function dpor(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, options: ExplorerOptions = {}): ExploreResult {
  if (!hasStateInvariants(model)) return new Dpor(model, fixes, scenario, options).explore();
  // Learn what the state invariants read; restart while that grows (see cut-invariants.ts).
  const visible = new Set<number>();
  learnInvariantReads(model, fixes, scenario, visible);
  const total = { executions: 0, complete: 0, redundant: 0, steps: 0 };
  for (;;) {
    const left = options.maxExecutions === undefined ? options : { ...options, maxExecutions: Math.max(1, options.maxExecutions - total.executions) };
    const r = new Dpor(model, fixes, scenario, left, visible).explore();
    total.executions += r.executions;
    total.complete += r.complete;
    total.redundant += r.redundant;
    total.steps += r.steps;
    if (!r.restart || (r.failure && (options.stopAtFirst ?? true))) {
      const { restart: _, ...rest } = r;
      return { ...rest, ...total };
    }
  }
}

/**
 * Seeds the set of objects the invariants read from a few seeded random executions, so the DPOR
 * pass rarely has to restart. Deterministic (fixed seed).
 */
function learnInvariantReads(model: AnyModel, fixes: ReadonlySet<string>, scenario: Scenario, visible: Set<number>): void {
  const rng = new Prng(0x6b766d);
  // Stryker disable next-line ArrayDeclaration: a buffer that enabledThreads fills; an empty array grows just the same
  const enabled = new Array<number>(scenario.length);
  for (let i = 0; i < 32; i++) {
    const run = new Run(model, fixes, scenario);
    recordInvariantReads(model, run.state, visible);
    while (run.outcome === null) {
      const n = run.enabledThreads(enabled);
      if (n === 0) break;
      run.step(enabled[rng.below(n)] as number);
      recordInvariantReads(model, run.state, visible);
    }
  }
}
