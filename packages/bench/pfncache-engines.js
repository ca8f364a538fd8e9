// The pfncache race [refresh] | [deactivate] driven three ways, shared by the benchmarks
// (pfncache.bench.js, pfncache-prototype.js): kvmrace's fast-check engine, fast-check's own
// fc.scheduler() driving the same steps as awaited scheduling points, and core's random walk.
import fc from 'fast-check';
import { contextSwitches, execute, RandomWalk, resolveVariant, Run } from '@kvmrace/core';
import { pfncache } from '@kvmrace/pfncache';
import { estimateHorizon, PreemptionPoints, scheduleArbitrary } from '@kvmrace/properties';

export const SCENARIO = [['refresh'], ['deactivate']];
export const BUGGY = resolveVariant(pfncache, 'buggy').fixes;
export const FIXED = resolveVariant(pfncache, 'all').fixes;
export const now = () => performance.now();

// ---------------------------------------------------------------- kvmrace (fast-check engine)
/** The schedules kvmrace's engine draws for the race with `fixes`. */
export function pfncacheSchedules(fixes) {
  return scheduleArbitrary({ horizon: estimateHorizon(pfncache, fixes, { maxOps: 2 }), threads: 2 });
}

export function kvmraceProperty(fixes, stats) {
  const fixSet = new Set(fixes);
  const schedule = pfncacheSchedules(fixes);
  return fc.property(schedule, (data) => {
    const e = execute(pfncache, fixSet, SCENARIO, new PreemptionPoints(data));
    stats.steps += e.schedule.length;
    if (e.outcome.kind !== 'ok') {
      if (stats.first < 0) stats.first = now();
      return false;
    }
    return true;
  });
}

export function kvmraceThroughput(runs) {
  const stats = { steps: 0, first: -1 };
  const t = now();
  fc.check(kvmraceProperty(FIXED, stats), { numRuns: runs, seed: 1 });
  return stats.steps / ((now() - t) / 1000);
}

// ---------------------------------------------------------------- fast-check's fc.scheduler()
// The async version of the race: each thread of the scenario is an async task that awaits a
// scheduling point before each of its steps (the same steps, run by the same thread programs);
// a blocked thread awaits again (a spin). fc.scheduler() picks which awaited point resolves.
export function schedulerProperty(fixes, stats) {
  return fc.asyncProperty(fc.scheduler(), async (s) => {
    const run = new Run(pfncache, new Set(fixes), SCENARIO);
    const enabled = [];
    const task = async (tid) => {
      while (run.outcome === null && run.isAlive(tid)) {
        await s.schedule(Promise.resolve(tid), `CPU${tid}`);
        if (run.outcome !== null) break;
        if (run.isEnabled(tid)) run.step(tid);
        else if (run.enabledThreads(enabled) === 0) run.declareDeadlock();
      }
    };
    const tasks = SCENARIO.map((_, tid) => task(tid));
    await s.waitAll();
    await Promise.all(tasks);
    stats.steps += run.steps;
    if (run.outcome.kind !== 'ok') {
      if (stats.first < 0) stats.first = now();
      stats.last = { steps: run.steps, preemptions: run.preemptions, switches: contextSwitches(run.schedule) };
      return false;
    }
    return true;
  });
}

export async function schedulerThroughput(runs) {
  const stats = { steps: 0, first: -1 };
  const t = now();
  await fc.check(schedulerProperty(FIXED, stats), { numRuns: runs, seed: 1 });
  return stats.steps / ((now() - t) / 1000);
}


// ---------------------------------------------------------------- naive random walk
export function randomThroughput(runs) {
  const fixSet = new Set(FIXED);
  const strategy = new RandomWalk(1);
  let steps = 0;
  const t = now();
  for (let i = 0; i < runs; i++) steps += execute(pfncache, fixSet, SCENARIO, strategy).schedule.length;
  return steps / ((now() - t) / 1000);
}

