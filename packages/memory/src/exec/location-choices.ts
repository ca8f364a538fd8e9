import type { Skeleton } from './graph.js';

// The reads-from and coherence choices of one location that respect coherence on their own: every
// read reads a write of its value, each thread's accesses to the location see the coherence order
// move forward (no CoWW, CoWR, CoRW, CoRR shape), and the write of a read-modify-write directly
// follows, in coherence, the write its read reads (atomicity: nothing between). Each axiom is
// local to a location, so the choices of different locations combine freely; the memory model
// then judges the whole graph. Spinlocks need nothing more: spin_lock()'s read must see an
// unlocked value, so with atomicity the critical sections line up one after another in coherence,
// as herd's lock.cat orders them.

export interface LocationChoice {
  /** Writes read, aligned with `skeleton.readsOf[loc]`. */
  readonly rf: Int32Array;
  /** The location's writes in coherence order, the initial write first. */
  readonly co: readonly number[];
}

/** Every coherent choice for `loc`. */
export function locationChoices(sk: Skeleton, loc: number): LocationChoice[] {
  const writes = sk.writesOf[loc]!;
  const reads = sk.readsOf[loc]!;
  const events = sk.events;
  const out: LocationChoice[] = [];
  const readSlot = new Map<number, number>();
  reads.forEach((r, i) => readSlot.set(r, i));

  // Each thread's accesses to loc, in program order.
  const byThread: number[][] = [];
  for (const e of events) {
    if (e.thread < 0 || e.loc !== loc || e.kind === 2) continue;
    (byThread[e.thread] ??= []).push(e.id);
  }
  const sequence = byThread.filter((l) => l && l.length > 0);
  const flat = sequence.flat();
  const startsThread = new Set(sequence.map((l) => l[0]!));

  // The write of each read-modify-write's read.
  const rmwWrite = new Map<number, number>();
  for (const r of reads) for (const w of sk.rmw.row(r)) rmwWrite.set(r, w);

  const co: number[] = [writes[0]!];
  const position = new Int32Array(sk.n).fill(-1);
  const rf = new Int32Array(reads.length).fill(-1);

  const search = (k: number, seen: number): void => {
    if (k === flat.length) {
      out.push({ rf: rf.slice(), co: co.slice() });
      return;
    }
    const e = flat[k]!;
    const m = startsThread.has(e) ? 0 : seen;
    const ev = events[e]!;
    if (ev.kind === 1) {
      const p = position[e]!;
      if (p > m) search(k + 1, p);
      return;
    }
    const slot = readSlot.get(e)!;
    const w = rmwWrite.get(e);
    if (w !== undefined) {
      // Atomicity: the read reads the write just before its own in coherence.
      const p = position[w]! - 1;
      const source = co[p]!;
      if (p >= m && events[source]!.value === ev.value) {
        rf[slot] = source;
        search(k + 1, p);
      }
      return;
    }
    for (let p = m; p < co.length; p++) {
      const source = co[p]!;
      if (events[source]!.value !== ev.value) continue;
      rf[slot] = source;
      search(k + 1, p);
    }
  };

  // Coherence orders: every permutation of the non-initial writes that keeps each thread's writes
  // in program order (CoWW).
  const rest = writes.slice(1);
  const used = new Uint8Array(rest.length);
  const lastOfThread = new Int32Array(sk.threadCount).fill(-1);
  const permute = (): void => {
    if (co.length === writes.length) {
      co.forEach((w, i) => (position[w] = i));
      search(0, 0);
      return;
    }
    for (let i = 0; i < rest.length; i++) {
      if (used[i]) continue;
      const w = rest[i]!;
      const t = events[w]!.thread;
      const prev = lastOfThread[t]!;
      // A thread's writes enter in program order.
      if (prev > w) continue;
      if (!earliestUnusedOfThread(i, t)) continue;
      used[i] = 1;
      lastOfThread[t] = w;
      co.push(w);
      permute();
      co.pop();
      lastOfThread[t] = prev;
      used[i] = 0;
    }
  };
  const earliestUnusedOfThread = (i: number, t: number): boolean => {
    for (let j = 0; j < i; j++) if (!used[j] && events[rest[j]!]!.thread === t) return false;
    return true;
  };
  permute();
  return out;
}
