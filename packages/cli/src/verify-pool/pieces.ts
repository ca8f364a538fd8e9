import type { Shard } from '@kvmrace/core';

/**
 * Most pieces one shard is cut into, for worker threads to share (many small pieces, taken one
 * at a time, balance uneven scenarios: with 8, the last big piece left one of two workers idle
 * for most of a run). The count depends only on the
 * work (never on `--workers`), so the work done and the JSON printed are the same on any number of
 * workers (for the stateful search, shared by work stealing, the verdict and counterexample), and
 * machines with different core counts still cover every shard of a sharded run.
 */
export const MAX_PIECES_PER_SHARD = 64;

/**
 * The pieces of shard `i/n` (the whole search when no shard is given) of a verification over
 * `scenarios` scenarios: shards `i + n·t` of `n·p`, with `p` small enough that every piece is whole
 * scenarios (`n·p <= scenarios`), because a scenario explored in one piece shares one state cache
 * (the stateful search) and one race analysis (DPOR); cut across pieces, it would be explored
 * partly twice.
 */
export function piecesOf(shard: Shard | undefined, scenarios: number): Shard[] {
  const s = shard ?? { index: 0, count: 1 };
  const p = Math.max(1, Math.min(MAX_PIECES_PER_SHARD, Math.floor(scenarios / s.count)));
  return Array.from({ length: p }, (_, t) => ({ index: s.index + s.count * t, count: s.count * p }));
}
