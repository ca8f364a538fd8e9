import type { AnyModel } from '../model.js';
import { MMU_NOTIFIER_BARRIERS, MMU_NOTIFIER_SEQS } from '../primitives/mmu-notifier.js';
import { SEQCOUNT_BARRIERS } from '../primitives/seqcount.js';
import { World } from '../world.js';

/** One barrier toggle of a model: its own (declared in `barriers`) or one inside a core primitive. */
export interface BarrierInfo {
  /** `place:barrier`, the toggle's name. */
  readonly name: string;
  readonly summary: string;
  readonly pairsWith: readonly string[];
  /** `model` for the model's own, or the primitive kind (`seqcount`). */
  readonly from: string;
}

/** The barriers inside core's primitives, by the `kind` of the object that has them. */
const PRIMITIVE_BARRIERS: Readonly<Record<string, Readonly<Record<string, string>>>> = { seqcount: SEQCOUNT_BARRIERS, 'mmu-notifier': MMU_NOTIFIER_BARRIERS };

const cache = new WeakMap<AnyModel, readonly BarrierInfo[]>();

/**
 * Every barrier toggle of a model: the ones it declares, then those of the primitives its `setup`
 * makes (found by running `setup` once in a scratch world).
 */
export function modelBarriers(model: AnyModel): readonly BarrierInfo[] {
  let out = cache.get(model);
  if (out !== undefined) return out;
  const list: BarrierInfo[] = Object.entries(model.barriers ?? {}).map(([name, b]) => ({ name, summary: b.summary, pairsWith: b.pairsWith ?? [], from: 'model' }));
  const world = new World(model.scenarios.maxThreads, new Set());
  model.setup(world);
  const kinds = new Set(world.objects.map((o) => (o as { kind?: string }).kind ?? ''));
  // The mmu notifier is no object of its own: its sequence counter says it is there.
  if (world.objects.some((o) => MMU_NOTIFIER_SEQS.has(o))) kinds.add('mmu-notifier');
  for (const [kind, barriers] of Object.entries(PRIMITIVE_BARRIERS)) {
    if (!kinds.has(kind)) continue;
    for (const [name, summary] of Object.entries(barriers)) {
      const pair = /pairs with (\S+)/.exec(summary);
      list.push({ name, summary, pairsWith: pair ? [pair[1] as string] : [], from: kind });
    }
  }
  out = list;
  cache.set(model, out);
  return out;
}

const nameCache = new WeakMap<AnyModel, ReadonlySet<string>>();

/** The names of a model's barrier toggles, as a set (made once per model: every weak run asks). */
export function barrierNames(model: AnyModel): ReadonlySet<string> {
  let names = nameCache.get(model);
  if (names === undefined) {
    names = new Set(modelBarriers(model).map((b) => b.name));
    nameCache.set(model, names);
  }
  return names;
}

/** Checks `names` against a model's barriers; throws a one-line error naming the first unknown one. */
export function checkBarrierNames(model: AnyModel, names: readonly string[]): void {
  const known = barrierNames(model);
  for (const n of names) {
    if (!known.has(n)) {
      const list = [...known];
      throw new RangeError(`model '${model.name}' has no barrier '${n}'${list.length ? ` (it has ${list.join(', ')})` : ' (it has none)'}`);
    }
  }
}
