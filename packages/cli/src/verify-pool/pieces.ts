import type { Shard } from '@kvmrace/core';

/**
 * Pieces one verification is cut into, for worker threads to share: always this many per shard,
 * whatever the number of workers, so that the work done (and the JSON printed) does not depend on
 * `--workers`, and machines with different core counts still cover every shard of a sharded run.
 */
export const PIECES_PER_SHARD = 8;

/** The pieces of shard `i/n` (the whole search when no shard is given): shards `i + n·t` of `n·8`. */
export function piecesOf(shard: Shard | undefined): Shard[] {
  const s = shard ?? { index: 0, count: 1 };
  return Array.from({ length: PIECES_PER_SHARD }, (_, t) => ({ index: s.index + s.count * t, count: s.count * PIECES_PER_SHARD }));
}
