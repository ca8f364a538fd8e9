import type { LitmusTest, ThreadProgram } from '../litmus/program.js';
import { Kind } from './tags.js';
import type { ThreadTrace } from './trace.js';
import { InfeasibleRun, runThread, type Domains, type Oracle } from './run-thread.js';

// Every run of every thread, with each read's value drawn from the values some write may store to
// its location. Those values are found by a fixpoint: run every thread with the values known so
// far, add what their writes store, again until nothing new appears. Each value carries the write
// sites (thread, event) its chain went through; no execution runs a site twice, so a value whose
// chain would pass one site again (an increment of its own result) is not added. That bounds the
// fixpoint, and keeps `atomic_inc()` from counting up forever.

/** Replays a thread with a growing vector of choices: every combination once, depth first. */
function allRuns(thread: ThreadProgram, domains: Domains): ThreadTrace[] {
  const traces: ThreadTrace[] = [];
  const choices: number[] = [];
  const sizes: number[] = [];
  for (;;) {
    let step = 0;
    const oracle: Oracle = {
      choose(count: number): number {
        if (step >= choices.length) {
          choices.push(0);
          sizes.push(count);
        } else {
          sizes[step] = count;
        }
        return choices[step++]!;
      },
    };
    try {
      traces.push(runThread(thread, domains, oracle));
    } catch (e) {
      if (!(e instanceof InfeasibleRun)) throw e;
    }
    choices.length = step;
    sizes.length = step;
    // The next vector: bump the last choice that has options left, drop those after it.
    let k = step - 1;
    while (k >= 0 && choices[k]! + 1 >= sizes[k]!) k--;
    if (k < 0) return traces;
    choices[k]!++;
    choices.length = k + 1;
    sizes.length = k + 1;
  }
}

/** A value a location may hold, and the write sites its chain went through. */
interface Entry {
  readonly v: number;
  readonly sites: ReadonlySet<number>;
}

const subset = (a: ReadonlySet<number>, b: ReadonlySet<number>): boolean => {
  for (const x of a) if (!b.has(x)) return false;
  return true;
};

/** The values reads may return, per location, and every run of every thread with them. */
export function threadTraces(test: LitmusTest): { domains: Domains; traces: ThreadTrace[][] } {
  const entries: Entry[][] = test.locations.map((l) => [{ v: l.init, sites: new Set<number>() }]);
  let domains: number[][];
  let runs: ThreadTrace[][];
  for (;;) {
    domains = entries.map((list) => list.map((e) => e.v));
    runs = test.threads.map((t) => allRuns(t, domains));
    let grew = false;
    runs.forEach((threadRuns, thread) => {
      for (const tr of threadRuns) {
        tr.events.forEach((e, i) => {
          if (e.kind !== Kind.W) return;
          const site = thread * 4096 + i;
          const sites = new Set<number>([site]);
          for (const d of e.data) {
            const src = tr.events[d]!;
            const from = entries[src.loc]![src.choice];
            if (!from) continue;
            if (from.sites.has(site)) return;
            for (const s of from.sites) sites.add(s);
          }
          const list = entries[e.loc]!;
          if (list.some((x) => x.v === e.value && subset(x.sites, sites))) return;
          list.push({ v: e.value, sites });
          grew = true;
        });
      }
    });
    if (!grew) break;
  }
  const finalDomains = entries.map((list) => [...new Set(list.map((e) => e.v))].sort((a, b) => a - b));
  // The last round ran every thread with these very domains unless a value came twice or out of order.
  const same = finalDomains.every((d, loc) => d.length === domains[loc]!.length && d.every((v, i) => v === domains[loc]![i]));
  return { domains: finalDomains, traces: same ? runs : test.threads.map((t) => allRuns(t, finalDomains)) };
}
