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
  const search = new ChoiceSearch(sk, loc);
  search.permute();
  return search.out;
}

/** A location's accesses as the search visits them: value-independent, once per shape. */
interface LocationAccesses {
  /** Each thread's accesses to the location in program order, thread after thread. */
  readonly flat: readonly number[];
  /** Per access of `flat`: it is its thread's first one. */
  readonly startsThread: Uint8Array;
  /** Per access of `flat`: its slot in rf (a read), or -1 (a write). */
  readonly slot: Int32Array;
  /** Per access of `flat`: the write of its read-modify-write (a read), or -1. */
  readonly rmwWrite: Int32Array;
}

function accessesOf(sk: Skeleton, loc: number): LocationAccesses {
  const reads = sk.readsOf[loc]!;
  const readSlot = new Map<number, number>();
  for (let i = 0; i < reads.length; i++) readSlot.set(reads[i]!, i);
  const byThread: number[][] = [];
  for (const e of sk.events) {
    if (e.thread < 0 || e.loc !== loc || e.kind === 2) continue;
    (byThread[e.thread] ??= []).push(e.id);
  }
  const flat: number[] = [];
  const starts: number[] = [];
  for (const accesses of byThread) {
    if (!accesses || accesses.length === 0) continue;
    starts.push(flat.length);
    flat.push(...accesses);
  }
  const startsThread = new Uint8Array(flat.length);
  for (const k of starts) startsThread[k] = 1;
  const slot = new Int32Array(flat.length).fill(-1);
  const rmwWrite = new Int32Array(flat.length).fill(-1);
  flat.forEach((e, k) => {
    const s = readSlot.get(e);
    if (s === undefined) return;
    slot[k] = s;
    sk.rmw.eachOfRow(e, (w) => (rmwWrite[k] = w));
  });
  return { flat, startsThread, slot, rmwWrite };
}

/**
 * The depth-first search of {@link locationChoices}: coherence orders, then for each the reads'
 * writes. Its steps are methods over fields, not closures inside one function: the optimising
 * compiler, which a corpus run wakes for this code, then compiles small functions instead of one
 * with every closure inlined into it (about a third of that compiler's time in a corpus check).
 */
class ChoiceSearch {
  readonly out: LocationChoice[] = [];
  private readonly events: Skeleton['events'];
  private readonly writeCount: number;
  private readonly flat: readonly number[];
  private readonly startsThread: Uint8Array;
  private readonly slot: Int32Array;
  private readonly rmwWrite: Int32Array;
  private readonly co: number[];
  /** Each write's index in `co`, once `co` is complete. */
  private readonly position: Int32Array;
  private readonly rf: Int32Array;
  /** The non-initial writes, and which of them `co` holds so far. */
  private readonly rest: readonly number[];
  private readonly used: Uint8Array;
  private readonly lastOfThread: Int32Array;

  constructor(sk: Skeleton, loc: number) {
    const writes = sk.writesOf[loc]!;
    const reads = sk.readsOf[loc]!;
    this.events = sk.events;
    this.writeCount = writes.length;
    ({ flat: this.flat, startsThread: this.startsThread, slot: this.slot, rmwWrite: this.rmwWrite } = sk.memoize(
      'location-accesses',
      () => Array.from({ length: sk.locationCount }, (_, l) => accessesOf(sk, l)),
    )[loc]!);
    this.co = [writes[0]!];
    this.position = new Int32Array(sk.n).fill(-1);
    this.rf = new Int32Array(reads.length).fill(-1);
    this.rest = writes.slice(1);
    this.used = new Uint8Array(this.rest.length);
    this.lastOfThread = new Int32Array(sk.threadCount).fill(-1);
  }

  /**
   * Coherence orders: every permutation of the non-initial writes that keeps each thread's writes
   * in program order (CoWW); for each complete one, the reads' choices.
   */
  permute(): void {
    const { co, rest, used, lastOfThread, events } = this;
    if (co.length === this.writeCount) {
      for (let i = 0; i < co.length; i++) this.position[co[i]!] = i;
      this.search(0, 0);
      return;
    }
    for (let i = 0; i < rest.length; i++) {
      if (used[i]) continue;
      const w = rest[i]!;
      const t = events[w]!.thread;
      const prev = lastOfThread[t]!;
      // A thread's writes enter in program order.
      if (prev > w) continue;
      if (!this.earliestUnusedOfThread(i, t)) continue;
      used[i] = 1;
      lastOfThread[t] = w;
      co.push(w);
      this.permute();
      co.pop();
      lastOfThread[t] = prev;
      used[i] = 0;
    }
  }

  private earliestUnusedOfThread(i: number, t: number): boolean {
    for (let j = 0; j < i; j++) if (!this.used[j] && this.events[this.rest[j]!]!.thread === t) return false;
    return true;
  }

  /** The choices of accesses k.. given that the thread's accesses before k saw co index `seen`. */
  private search(k: number, seen: number): void {
    const { co, rf, events } = this;
    if (k === this.flat.length) {
      this.out.push({ rf: rf.slice(), co: co.slice() });
      return;
    }
    const e = this.flat[k]!;
    const m = this.startsThread[k] ? 0 : seen;
    const slot = this.slot[k]!;
    if (slot < 0) {
      const p = this.position[e]!;
      if (p > m) this.search(k + 1, p);
      return;
    }
    const value = events[e]!.value;
    const w = this.rmwWrite[k]!;
    if (w >= 0) {
      // Atomicity: the read reads the write just before its own in coherence.
      const p = this.position[w]! - 1;
      const source = co[p]!;
      if (p >= m && events[source]!.value === value) {
        rf[slot] = source;
        this.search(k + 1, p);
      }
      return;
    }
    for (let p = m; p < co.length; p++) {
      const source = co[p]!;
      if (events[source]!.value !== value) continue;
      rf[slot] = source;
      this.search(k + 1, p);
    }
  }
}
