import { Kind, type TraceEvent } from '@kvmrace/memory/models';
import { describe, expect, it } from 'vitest';
import { GraphKey } from '../src/weak/graph-key.js';
import type { Location, WriteRef } from '../src/weak/weak-graph.js';

// GraphKey reuses each thread's text from the graph's last key (weak-graph.ts's key()): after
// every event added to a growing graph, and after a tentative one taken back, its key must be the
// one a fresh GraphKey makes from scratch. Graphs from a seeded generator: threads adding reads,
// writes and fences with values from a small pool (met first by one thread or another, which
// moves the numbering), new locations now and then.

/** A deterministic generator (a linear congruential one): the test needs no luck. */
function generator(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

interface Graph {
  events: TraceEvent[][];
  heads: string[][];
  tails: string[][];
  locations: Location[];
}

function push(g: Graph, tid: number, kind: Kind, loc: number, value: number): void {
  const evs = g.events[tid] as TraceEvent[];
  evs.push({ kind, loc, value, tags: 0, addr: [], data: [], ctrl: [], rmwRead: -1, choice: -1 });
  (g.heads[tid] as string[]).push(`${kind}${loc}=`);
  (g.tails[tid] as string[]).push(`/0<${evs.length}`);
  if (kind === Kind.W) (g.locations[loc] as Location).co.push({ thread: tid, index: evs.length - 1, value, valueId: value, step: 0, ref: `${tid}.${evs.length - 1}` });
}

function pop(g: Graph, tid: number): void {
  (g.events[tid] as TraceEvent[]).pop();
  (g.heads[tid] as string[]).pop();
  (g.tails[tid] as string[]).pop();
}

function addLocation(g: Graph, objectId: number, initial: number): void {
  const initialWrite: WriteRef = { thread: -1, index: -1, value: initial, valueId: initial, step: -1, ref: '-1.-1' };
  g.locations.push({ id: g.locations.length, obj: { id: objectId } as Location['obj'], co: [initialWrite] });
}

const fresh = (g: Graph): string => new GraphKey(g.events.length).key(g.events, g.heads, g.tails, g.locations);

describe('GraphKey: the key of a growing graph, made again piece by piece', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: after every event, the key made from scratch`, () => {
      const random = generator(seed);
      const threads = 2 + random(3);
      const g: Graph = { events: [], heads: [], tails: [], locations: [] };
      for (let t = 0; t < threads; t++) {
        g.events.push([]);
        g.heads.push([]);
        g.tails.push([]);
      }
      addLocation(g, 40, 0);
      const keys = new GraphKey(threads);
      for (let step = 0; step < 300; step++) {
        const choice = random(20);
        if (choice === 0 && g.locations.length < 6) addLocation(g, 40 - 7 * g.locations.length, random(4));
        const tid = random(threads);
        const kind = ([Kind.R, Kind.W, Kind.F] as const)[random(3)] as Kind;
        const loc = kind === Kind.F ? -1 : random(g.locations.length);
        push(g, tid, kind, loc, kind === Kind.F ? 0 : random(9));
        if (choice === 1) {
          // A tentative event, judged and taken back (WeakMemory.consistentWith) after a key.
          expect(keys.key(g.events, g.heads, g.tails, g.locations)).toBe(fresh(g));
          const co = (g.locations[loc] as Location | undefined)?.co;
          if (kind === Kind.W) co?.pop();
          pop(g, tid);
          keys.forget(tid, (g.events[tid] as TraceEvent[]).length);
        }
        expect(keys.key(g.events, g.heads, g.tails, g.locations)).toBe(fresh(g));
      }
    });
  }
});
