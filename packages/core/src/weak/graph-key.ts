import { Kind, type TraceEvent } from '@kvmrace/memory/models';

/** What a key reads of a write in a coherence order (`WeakGraph`'s `WriteRef`). */
interface KeyWrite {
  readonly thread: number;
  readonly valueId: number;
  readonly ref: string;
}

/** What a key reads of a location (`WeakGraph`'s `Location`): its object's id, its coherence order. */
interface KeyLocation {
  readonly obj: { readonly id: number };
  readonly co: readonly KeyWrite[];
}

/**
 * Builds `WeakGraph.key()` for one run, again and again as its graph grows, reusing what the
 * graph's last key said of each thread. The key lists every thread's events (each as the text
 * made when it was pushed, around its value's number), then every location's coherence order;
 * values are numbered by first appearance: the locations' initial values (by object id), then
 * the threads' events in order. A thread's text therefore holds as long as its events and the
 * numbering before it do: a thread that only added events whose values are numbered within its
 * own text or before has its new events appended; from the first thread that met a value not
 * numbered that early on, every thread's text is made again.
 */
export class GraphKey {
  /** Value id → its number, and the value ids in number order. */
  private readonly numbers = new Map<number, number>();
  private readonly order: number[] = [];
  /** The locations by object id, and how many there were (a new one renumbers everything). */
  private sorted: readonly KeyLocation[] = [];
  private locationCount = -1;
  /** How many numbers the initial values take. */
  private initialEnd = 0;
  /** Per thread: its text, how many events it covers (-1: none), and how many numbers it ends with. */
  private readonly texts: string[];
  private readonly covered: number[];
  private readonly ends: number[];

  constructor(threadCount: number) {
    this.texts = new Array<string>(threadCount).fill('');
    this.covered = new Array<number>(threadCount).fill(-1);
    this.ends = new Array<number>(threadCount).fill(0);
  }

  /** Thread `tid` lost events a key may have covered (a tentative event taken back). */
  forget(tid: number, length: number): void {
    if ((this.covered[tid] as number) > length) this.covered[tid] = -1;
  }

  key(events: readonly TraceEvent[][], heads: readonly string[][], tails: readonly string[][], locations: readonly KeyLocation[]): string {
    if (locations.length !== this.locationCount) this.renumberInitials(locations);
    const n = events.length;
    let from = n;
    for (let t = 0; t < n; t++) {
      const have = this.covered[t] as number;
      const now = (events[t] as TraceEvent[]).length;
      if (have === now) continue;
      if (have >= 0 && this.extend(t, have, events[t] as TraceEvent[], heads[t] as string[], tails[t] as string[])) continue;
      from = t;
      break;
    }
    if (from < n) {
      const keep = from === 0 ? this.initialEnd : (this.ends[from - 1] as number);
      while (this.order.length > keep) this.numbers.delete(this.order.pop() as number);
      for (let t = from; t < n; t++) this.rebuild(t, events[t] as TraceEvent[], heads[t] as string[], tails[t] as string[]);
    }
    // Joined, not concatenated: a key is kept in maps, where a tree of concatenations would stay
    // a tree (many small objects to collect, slow to compare).
    const parts: string[] = [];
    for (let t = 0; t < n; t++) {
      if (t > 0) parts.push('|');
      parts.push(this.texts[t] as string);
    }
    parts.push('#');
    for (let k = 0; k < this.sorted.length; k++) {
      const l = this.sorted[k] as KeyLocation;
      const order = l.co;
      parts.push(`${k > 0 ? '|' : ''}${l.obj.id}:${this.numbers.get((order.find((w) => w.thread < 0) as KeyWrite).valueId) as number}:`);
      for (let j = 0; j < order.length; j++) parts.push(j > 0 ? `,${(order[j] as KeyWrite).ref}` : (order[j] as KeyWrite).ref);
    }
    return parts.join('');
  }

  private renumberInitials(locations: readonly KeyLocation[]): void {
    this.numbers.clear();
    this.order.length = 0;
    this.sorted = [...locations].sort((a, b) => a.obj.id - b.obj.id);
    for (const l of this.sorted) this.number((l.co.find((w) => w.thread < 0) as KeyWrite).valueId);
    this.initialEnd = this.order.length;
    this.locationCount = locations.length;
    this.covered.fill(-1);
  }

  /** Appends thread `t`'s events from `have` on to its text, if their values are numbered within it; false if not. */
  private extend(t: number, have: number, evs: readonly TraceEvent[], heads: readonly string[], tails: readonly string[]): boolean {
    const end = this.ends[t] as number;
    for (let i = have; i < evs.length; i++) {
      const e = evs[i] as TraceEvent;
      if (e.kind === Kind.F) continue;
      const v = this.numbers.get(e.value);
      if (v === undefined || v >= end) return false;
    }
    const parts = [this.texts[t] as string];
    this.write(parts, have, evs, heads, tails);
    this.texts[t] = parts.join('');
    this.covered[t] = evs.length;
    return true;
  }

  private rebuild(t: number, evs: readonly TraceEvent[], heads: readonly string[], tails: readonly string[]): void {
    const parts: string[] = [];
    this.write(parts, 0, evs, heads, tails);
    this.texts[t] = parts.join('');
    this.covered[t] = evs.length;
    this.ends[t] = this.order.length;
  }

  /** The text of events `from` on, numbering their values. */
  private write(parts: string[], from: number, evs: readonly TraceEvent[], heads: readonly string[], tails: readonly string[]): void {
    for (let i = from; i < evs.length; i++) {
      const e = evs[i] as TraceEvent;
      if (i > 0) parts.push(',');
      parts.push(heads[i] as string);
      if (e.kind !== Kind.F) parts.push(`${this.number(e.value)}`);
      parts.push(tails[i] as string);
    }
  }

  private number(id: number): number {
    let v = this.numbers.get(id);
    if (v === undefined) {
      v = this.order.length;
      this.numbers.set(id, v);
      this.order.push(id);
    }
    return v;
  }
}
