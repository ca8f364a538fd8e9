/**
 * @kvmrace/core: the lock/seq kernel. Write a model with `defineModel` and the primitives a
 * `World` creates; run it with `execute` under a strategy, or `hunt` for a race; replay it from
 * a token.
 */
export { defineModel, isModel } from './model.js';
export type { AnyModel, FixSpec, InvariantSpec, Model, ModelSpec, NamedScenario, OperationSpec, ScenarioSpace } from './model.js';
export { World } from './world.js';
export type { Thread } from './thread.js';
export { ThreadContext } from './thread.js';
export { makeStep, stepsConflict } from './step.js';
export type { Access, AccessMode, Step, Steps } from './step.js';
export { SimObject } from './sim-object.js';
export { Var } from './primitives/var.js';
export { Counter } from './primitives/counter.js';
export { Lock, MUTEX, SPINLOCK } from './primitives/lock.js';
export type { LockFlavour } from './primitives/lock.js';
export { RwLock } from './primitives/rwlock.js';
export { SeqCount } from './primitives/seqcount.js';
export { Srcu } from './primitives/srcu.js';
export type { GracePeriod } from './primitives/srcu.js';
export { MmuNotifier } from './primitives/mmu-notifier.js';
export type { MmuNotifierNames } from './primitives/mmu-notifier.js';
export { Cpu, Cpus } from './primitives/cpus.js';
export type { CpuState, IpiHandler, IpiTicket } from './primitives/cpus.js';
export { AssertSignal, GaveUpSignal, ModelMisuseError, OopsSignal, ThreadSignal, WarnSignal } from './faults.js';
export { isFailure } from './outcome.js';
export type { Outcome, OutcomeKind } from './outcome.js';
export { Run } from './run.js';
export type { RunOptions } from './run.js';
export { execute } from './execute.js';
export type { Execution } from './execute.js';
export type { Strategy } from './strategies/strategy.js';
export { RandomWalk } from './strategies/random-walk.js';
export { Pct } from './strategies/pct.js';
export { Replay, ReplayMismatchError } from './strategies/replay.js';
export { Prng } from './prng.js';
export { formatScenario, scenarioProblem, scenarioSize } from './scenario.js';
export type { Scenario } from './scenario.js';
export { resolveVariant, variantName, VariantError } from './variant.js';
export type { Variant } from './variant.js';
export { contextSwitches, fromRuns, toRuns } from './schedule.js';
export type { ScheduleRuns } from './schedule.js';
export { decodeToken, encodeToken, TOKEN_VERSION, TokenError } from './token.js';
export type { ReplayRecord } from './token.js';
export { counterexampleOf, replaySchedule } from './counterexample.js';
export type { Counterexample } from './counterexample.js';
export { hunt, makeStrategy } from './hunt.js';
export type { HuntOptions, HuntResult, HuntStrategy } from './hunt.js';
export type { TraceEntry, TracedAccess } from './trace.js';
export { describeOutcome, describeStep, renderRaceTable } from './render/race-table.js';
export { describeValue } from './describe-value.js';
export { findWaitsForCycle } from './waits-for.js';
export { holdBars, renderSwimlaneSvg } from './render/swimlane.js';
