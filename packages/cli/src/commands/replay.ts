import { type RaceTableOptions, MEMORY_TITLES, plural, checkBarrierNames, decodeToken, modelFingerprint, ReplayMismatchError, counterexampleOf, renderRaceTable, runDigest, scenarioProblem, TokenError, variantName, type AnyModel } from '@kvmrace/core';
import { UsageError } from '../errors.js';
import { findModel } from '../registry.js';

/** Replays a token: the same trace, the same outcome. Throws `UsageError` for a bad token. */
export function runReplay(token: string, models: readonly AnyModel[]) {
  let record;
  try {
    record = decodeToken(token);
  } catch (err) {
    if (err instanceof TokenError) throw new UsageError(err.message);
    throw err;
  }
  const model = findModel(record.model, models);
  // A token made by another version of the model would replay some other run: refuse it.
  if (record.fingerprint !== undefined && record.fingerprint !== modelFingerprint(model)) {
    throw new UsageError(`replay token was made by another version of model '${model.name}' (its operations, fixes, invariants or scenario space differ): hunt again for a new token`);
  }
  for (const f of record.fixes) {
    if (!model.fixNames.includes(f)) throw new UsageError(`replay token names fix '${f}', which model '${model.name}' does not have`);
  }
  const problem = scenarioProblem(model, record.scenario);
  if (problem) throw new UsageError(`replay token scenario does not fit: ${problem}`);
  const weak = record.memory ? { memory: record.memory, choices: record.choices ?? [], withoutBarriers: record.withoutBarriers ?? [] } : undefined;
  if (weak) {
    try {
      checkBarrierNames(model, weak.withoutBarriers);
    } catch (err) {
      throw new UsageError(`replay token turns off a barrier that model '${model.name}' does not have: ${(err as Error).message}`);
    }
  }
  try {
    const cx = counterexampleOf(model, record.fixes, record.scenario, record.schedule, record.engine, weak);
    if (cx.steps !== record.schedule.length) {
      throw new UsageError(`replay token schedule does not fit the model: the run ended after ${cx.steps} of ${record.schedule.length} steps`);
    }
    if (record.digest !== undefined && record.digest !== runDigest(cx.trace, cx.outcome)) {
      throw new UsageError(`replay token does not match model '${model.name}': the run takes other steps or ends otherwise than when the token was made (the model's code changed?): hunt again for a new token`);
    }
    return { model, variant: variantName(model, record.fixes), counterexample: cx };
  } catch (err) {
    if (err instanceof RangeError && weak) throw new UsageError(`replay token does not fit the model under ${weak.memory}: ${err.message}`);
    if (err instanceof ReplayMismatchError) throw new UsageError(`replay token schedule does not fit the model: ${err.message}`);
    throw err;
  }
}

/** The text of a replay. */
export function replayText(r: ReturnType<typeof runReplay>, table: RaceTableOptions = {}): string {
  const weak = r.counterexample.weak;
  const memory = weak ? `memory model ${weak.memory} (${MEMORY_TITLES[weak.memory]}), ${weak.withoutBarriers.length ? `without ${weak.withoutBarriers.join(', ')}` : 'every barrier on'}, ${plural(weak.weakEdges, 'weak edge')}\n` : '';
  return memory + renderRaceTable(r.model.name, r.variant, r.counterexample, table);
}
