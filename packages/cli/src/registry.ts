import type { AnyModel } from '@kvmrace/core';
import { changePte } from '@kvmrace/change-pte';
import { lostUpdate, seqcountReader } from '@kvmrace/examples';
import { hptResize } from '@kvmrace/hpt-resize';
import { invalidateRange } from '@kvmrace/invalidate-range';
import { memslotGen } from '@kvmrace/memslot-gen';
import { pfncache } from '@kvmrace/pfncache';
import { radixNested } from '@kvmrace/radix-nested';
import { vcpuRequests } from '@kvmrace/vcpu-requests';
import { UsageError } from './errors.js';

/** The models `kvmrace` knows by name, in the order `list` shows them. */
export const builtinModels: readonly AnyModel[] = [radixNested, hptResize, changePte, memslotGen, pfncache, vcpuRequests, invalidateRange, lostUpdate, seqcountReader];

/** Finds a built-in model by name, or throws a one-line error listing the known ones. */
export function findModel(name: string, models: readonly AnyModel[] = builtinModels): AnyModel {
  const model = models.find((m) => m.name === name);
  if (!model) throw new UsageError(`unknown model '${name}' (models: ${models.map((m) => m.name).join(', ')}; for a model of your own, add --model <file>)`);
  return model;
}
