/**
 * A set of events of one execution graph (events are numbered 0..n-1), as a bitset of 32-bit words.
 * Immutable by convention: every operation returns a new set.
 */
export class EventSet {
  readonly n: number;
  readonly words: Uint32Array;

  constructor(n: number, words?: Uint32Array) {
    this.n = n;
    this.words = words ?? new Uint32Array((n + 31) >>> 5);
  }

  static of(n: number, members: Iterable<number>): EventSet {
    const s = new EventSet(n);
    for (const e of members) s.words[e >>> 5]! |= 1 << (e & 31);
    return s;
  }

  static filter(n: number, keep: (e: number) => boolean): EventSet {
    const s = new EventSet(n);
    for (let e = 0; e < n; e++) if (keep(e)) s.words[e >>> 5]! |= 1 << (e & 31);
    return s;
  }

  static all(n: number): EventSet {
    return EventSet.filter(n, () => true);
  }

  has(e: number): boolean {
    return ((this.words[e >>> 5]! >>> (e & 31)) & 1) === 1;
  }

  union(o: EventSet): EventSet {
    const w = new Uint32Array(this.words.length);
    for (let i = 0; i < w.length; i++) w[i] = this.words[i]! | o.words[i]!;
    return new EventSet(this.n, w);
  }

  inter(o: EventSet): EventSet {
    const w = new Uint32Array(this.words.length);
    for (let i = 0; i < w.length; i++) w[i] = this.words[i]! & o.words[i]!;
    return new EventSet(this.n, w);
  }

  minus(o: EventSet): EventSet {
    const w = new Uint32Array(this.words.length);
    for (let i = 0; i < w.length; i++) w[i] = this.words[i]! & ~o.words[i]!;
    return new EventSet(this.n, w);
  }

  complement(): EventSet {
    return EventSet.all(this.n).minus(this);
  }

  /** Every event 0..n-1 is in the set (a restriction to it changes nothing). */
  isAll(): boolean {
    const full = this.n >>> 5;
    for (let i = 0; i < full; i++) if (this.words[i] !== 0xffffffff) return false;
    const tail = this.n & 31;
    return tail === 0 || this.words[full] === (1 << tail) - 1 >>> 0;
  }

  isEmpty(): boolean {
    for (let i = 0; i < this.words.length; i++) if (this.words[i] !== 0) return false;
    return true;
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let e = 0; e < this.n; e++) if (this.has(e)) yield e;
  }

  toArray(): number[] {
    return [...this];
  }
}
