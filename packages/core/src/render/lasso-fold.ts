import type { TraceEntry } from '../trace.js';

/** A run of steps shown once: a single step (`times` 1) or a loop body repeated `times` times in a row. */
export interface Fold {
  readonly body: readonly TraceEntry[];
  readonly times: number;
}

/** The longest loop body looked for. */
const MAX_BODY = 64;

const same = (a: TraceEntry, b: TraceEntry): boolean => a.thread === b.thread && a.fn === b.fn && a.label === b.label;

/**
 * The steps with every block that repeats back to back (same threads, functions and labels)
 * folded into one body and a count; at each point the fold that covers the most steps wins.
 */
export function foldRepeats(trace: readonly TraceEntry[]): Fold[] {
  const out: Fold[] = [];
  let i = 0;
  while (i < trace.length) {
    let best = { p: 1, k: 1 };
    for (let p = 1; p <= MAX_BODY && i + 2 * p <= trace.length; p++) {
      let k = 1;
      while (i + (k + 1) * p <= trace.length && sameBlock(trace, i, i + k * p, p)) k++;
      if (k > 1 && p * k > best.p * best.k) best = { p, k };
    }
    out.push({ body: trace.slice(i, i + best.p), times: best.k });
    i += best.p * best.k;
  }
  return out;
}

function sameBlock(trace: readonly TraceEntry[], a: number, b: number, p: number): boolean {
  for (let j = 0; j < p; j++) if (!same(trace[a + j] as TraceEntry, trace[b + j] as TraceEntry)) return false;
  return true;
}
