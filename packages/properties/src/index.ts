/**
 * @kvmrace/properties: fast-check arbitraries for kvmrace scenarios and schedules that shrink to
 * the minimal race, the properties built on them, and the minimiser/normaliser run after
 * shrinking. The vitest helper `raceTest` lives in `@kvmrace/properties/vitest`.
 */
export { scenarioArbitrary, scenarioAllowed, scenarioBounds } from './scenario.js';
export type { ScenarioArbitraryOptions } from './scenario.js';
export { PreemptionPoints, scheduleArbitrary } from './schedule.js';
export type { PreemptionPoint, ScheduleArbitraryOptions, ScheduleData } from './schedule.js';
export { fewestPreemptions, minimiseFailure, normaliseSchedule, outcomeSignature, runData, searchWithPreemptions } from './minimise.js';
export type { Found, Minimised } from './minimise.js';
export { estimateHorizon, findMinimalRace, noRace, raceArbitraries, RaceFound, raceReport } from './property.js';
export type { FindRaceOptions, RacePropertyOptions, RaceSearch } from './property.js';
