import { decodeToken, ReplayMismatchError, counterexampleOf, renderRaceTable, scenarioProblem, TokenError, variantName, type AnyModel } from '@kvmrace/core';
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
  for (const f of record.fixes) {
    if (!model.fixNames.includes(f)) throw new UsageError(`replay token names fix '${f}', which model '${model.name}' does not have`);
  }
  const problem = scenarioProblem(model, record.scenario);
  if (problem) throw new UsageError(`replay token scenario does not fit: ${problem}`);
  try {
    const cx = counterexampleOf(model, record.fixes, record.scenario, record.schedule, record.engine);
    if (cx.steps !== record.schedule.length) {
      throw new UsageError(`replay token schedule does not fit the model: the run ended after ${cx.steps} of ${record.schedule.length} steps`);
    }
    return { model, variant: variantName(model, record.fixes), counterexample: cx };
  } catch (err) {
    if (err instanceof ReplayMismatchError) throw new UsageError(`replay token schedule does not fit the model: ${err.message}`);
    throw err;
  }
}

/** The text of a replay. */
export function replayText(r: ReturnType<typeof runReplay>): string {
  return renderRaceTable(r.model.name, r.variant, r.counterexample);
}
