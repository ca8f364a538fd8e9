import { BoundedMap } from './bounded-map.js';

/**
 * The memo of the value-independent relations (po, fences, event classes: `Skeleton.memo`) of
 * every graph with one shape, shared by the judgements of every run: the runs of a search judge
 * graphs of the same few shapes over and over, with other reads-from and coherence choices. The
 * relations are pure functions of the shape, so sharing them changes no verdict. Bounded: past
 * 4,096 shapes the memo starts again, which only costs recomputation.
 */
const memos = new BoundedMap<Map<string, unknown>>(4096);

export function shapeMemo(shape: string): Map<string, unknown> {
  let memo = memos.get(shape);
  if (memo === undefined) {
    memo = new Map();
    memos.set(shape, memo);
  }
  return memo;
}
