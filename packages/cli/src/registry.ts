import type { AnyModel } from '@kvmrace/core';
import { changePte } from '@kvmrace/change-pte';
import { lostUpdate, seqcountReader } from '@kvmrace/examples';
import { hptResize } from '@kvmrace/hpt-resize';
import { invalidateRange } from '@kvmrace/invalidate-range';
import { memslotGen } from '@kvmrace/memslot-gen';
import { pfncache, pfncacheRetry } from '@kvmrace/pfncache';
import { radixNested } from '@kvmrace/radix-nested';
import { vcpuRequests } from '@kvmrace/vcpu-requests';
import { UsageError } from './errors.js';

/**
 * What the main job (`report`, `hunt --all`) checks a model for: `safety`, a race in the buggy
 * variant that the upstream one does not have; or `liveness` only, a fair lasso in the buggy
 * variant and none in the upstream one (a model whose bug is a livelock has no race to hunt).
 */
export type ModelRole = 'safety' | 'liveness';

/** The built-in models whose bug is a livelock, not a race: checked by the liveness search only. */
const LIVENESS_ONLY: ReadonlySet<AnyModel> = new Set([pfncacheRetry]);

/** The models `kvmrace` knows by name, in the order `list` shows them. */
export const builtinModels: readonly AnyModel[] = [radixNested, hptResize, changePte, memslotGen, pfncache, pfncacheRetry, vcpuRequests, invalidateRange, lostUpdate, seqcountReader];

/** The role of a model; a model of the user's own (`--model`) is a safety model. */
export function modelRole(model: AnyModel): ModelRole {
  return LIVENESS_ONLY.has(model) ? 'liveness' : 'safety';
}

/** The models of `models` with the safety role: the ones a hunt for a race is meant for. */
export function safetyModels(models: readonly AnyModel[]): AnyModel[] {
  return models.filter((m) => modelRole(m) === 'safety');
}

/** Finds a built-in model by name, or throws a one-line error listing the known ones. */
export function findModel(name: string, models: readonly AnyModel[] = builtinModels): AnyModel {
  const model = models.find((m) => m.name === name);
  if (!model) throw new UsageError(`unknown model '${name}' (models: ${models.map((m) => m.name).join(', ')}; for a model of your own, add --model <file>)`);
  return model;
}
