/**
 * The memo of the value-independent relations (po, fences, event classes: `Skeleton.memo`) of
 * every graph with one shape, shared by the judgements of every run: the runs of a search judge
 * graphs of the same few shapes over and over, with other reads-from and coherence choices. The
 * relations are pure functions of the shape, so sharing them changes no verdict. Bounded: past
 * `LIMIT` shapes the memo starts again, which only costs recomputation.
 */
const LIMIT = 4096;
const memos = new Map<string, Map<string, unknown>>();

export function shapeMemo(shape: string): Map<string, unknown> {
  let memo = memos.get(shape);
  if (memo === undefined) {
    if (memos.size >= LIMIT) memos.clear();
    memo = new Map();
    memos.set(shape, memo);
  }
  return memo;
}
