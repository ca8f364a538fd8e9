import { EventSet } from './event-set.js';

/**
 * A binary relation over the events 0..n-1 of one execution graph: an n×n bit matrix, one row of
 * 32-bit words per event (row a holds every b with a→b). The algebra of herd's cat language
 * (union, intersection, difference, sequence, inverse, closures, restriction to sets) that the
 * memory models are written in, on which acyclicity and emptiness are asked. Immutable by
 * convention: an operation returns a new relation, or this one when it would be a copy (a
 * restriction to every event). Graphs of up to 32 events (every litmus test) have one word a row,
 * and the operations that run for each candidate execution have a loop for that case: cold, in
 * the interpreter, every loop level counts.
 */
export class Relation {
  readonly n: number;
  /** Words per row. */
  readonly stride: number;
  readonly bits: Uint32Array;

  constructor(n: number, bits?: Uint32Array) {
    this.n = n;
    this.stride = (n + 31) >>> 5;
    this.bits = bits ?? new Uint32Array(this.stride * n);
  }

  static empty(n: number): Relation {
    return new Relation(n);
  }

  static fromPairs(n: number, pairs: Iterable<readonly [number, number]>): Relation {
    const r = new Relation(n);
    for (const [a, b] of pairs) r.set(a, b);
    return r;
  }

  /** The identity restricted to `s`: herd's `[s]`. */
  static id(s: EventSet): Relation {
    const r = new Relation(s.n);
    for (let e = 0; e < s.n; e++) if (s.has(e)) r.set(e, e);
    return r;
  }

  /** `a * b`: every pair of an event of `a` and one of `b`. */
  static cross(a: EventSet, b: EventSet): Relation {
    const r = new Relation(a.n);
    for (const e of a) r.bits.set(b.words, e * r.stride);
    return r;
  }

  /** Every pair (a, b) with `test(a, b)`. */
  static where(n: number, test: (a: number, b: number) => boolean): Relation {
    const r = new Relation(n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (test(a, b)) r.set(a, b);
    return r;
  }

  /** Mutates: adds a→b. Only while building a relation. */
  set(a: number, b: number): void {
    this.bits[a * this.stride + (b >>> 5)]! |= 1 << (b & 31);
  }

  has(a: number, b: number): boolean {
    return ((this.bits[a * this.stride + (b >>> 5)]! >>> (b & 31)) & 1) === 1;
  }

  union(...others: Relation[]): Relation {
    const out = this.bits.slice();
    for (const o of others) for (let i = 0; i < out.length; i++) out[i]! |= o.bits[i]!;
    return new Relation(this.n, out);
  }

  inter(o: Relation): Relation {
    const out = this.bits.slice();
    for (let i = 0; i < out.length; i++) out[i]! &= o.bits[i]!;
    return new Relation(this.n, out);
  }

  minus(o: Relation): Relation {
    const out = this.bits.slice();
    for (let i = 0; i < out.length; i++) out[i]! &= ~o.bits[i]!;
    return new Relation(this.n, out);
  }

  /** `this ; o`: a→c when a→b in this and b→c in o. */
  seq(o: Relation): Relation {
    const { n, stride } = this;
    const out = new Uint32Array(this.bits.length);
    const a = this.bits;
    const b = o.bits;
    if (stride === 1) {
      for (let i = 0; i < n; i++) {
        let word = a[i]!;
        let row = 0;
        while (word !== 0) {
          const low = word & -word;
          word ^= low;
          row |= b[31 - Math.clz32(low)]!;
        }
        out[i] = row;
      }
      return new Relation(n, out);
    }
    for (let i = 0; i < n; i++) {
      const row = i * stride;
      for (let w = 0; w < stride; w++) {
        let word = a[row + w]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          word &= word - 1;
          const j = (w << 5) + bit;
          const jrow = j * stride;
          for (let k = 0; k < stride; k++) out[row + k]! |= b[jrow + k]!;
        }
      }
    }
    return new Relation(n, out);
  }

  /** Sequence of several relations, left to right. */
  static seq(first: Relation, ...rest: Relation[]): Relation {
    let r = first;
    for (const o of rest) r = r.seq(o);
    return r;
  }

  inverse(): Relation {
    const r = new Relation(this.n);
    for (let a = 0; a < this.n; a++) this.eachOfRow(a, (b) => r.set(b, a));
    return r;
  }

  /** `r+`, by Warshall's algorithm on bit rows. */
  plus(): Relation {
    const { n, stride } = this;
    const m = this.bits.slice();
    if (stride === 1) {
      for (let k = 0; k < n; k++) {
        const kb = 1 << k;
        const krow = m[k]!;
        if (krow === 0) continue;
        for (let i = 0; i < n; i++) if ((m[i]! & kb) !== 0) m[i]! |= krow;
      }
      return new Relation(n, m);
    }
    for (let k = 0; k < n; k++) {
      const krow = k * stride;
      const kw = k >>> 5;
      const kb = 1 << (k & 31);
      for (let i = 0; i < n; i++) {
        const irow = i * stride;
        if ((m[irow + kw]! & kb) !== 0) for (let w = 0; w < stride; w++) m[irow + w]! |= m[krow + w]!;
      }
    }
    return new Relation(n, m);
  }

  /** `r*`: the reflexive-transitive closure (over all n events). */
  star(): Relation {
    return this.plus().withIdentity();
  }

  /** `r?`: r with the identity over all events. */
  opt(): Relation {
    return this.withIdentity();
  }

  private withIdentity(): Relation {
    const out = this.bits.slice();
    for (let i = 0; i < this.n; i++) out[i * this.stride + (i >>> 5)]! |= 1 << (i & 31);
    return new Relation(this.n, out);
  }

  /** `r \ id`. */
  withoutIdentity(): Relation {
    const out = this.bits.slice();
    for (let i = 0; i < this.n; i++) out[i * this.stride + (i >>> 5)]! &= ~(1 << (i & 31));
    return new Relation(this.n, out);
  }

  /** `[s] ; r`. */
  fromSet(s: EventSet): Relation {
    if (s.isAll()) return this;
    const { n, stride, bits } = this;
    const out = new Uint32Array(bits.length);
    for (let a = 0; a < n; a++) {
      if (!s.has(a)) continue;
      for (let w = a * stride; w < (a + 1) * stride; w++) out[w] = bits[w]!;
    }
    return new Relation(n, out);
  }

  /** `r ; [s]`. */
  toSet(s: EventSet): Relation {
    if (s.isAll()) return this;
    const out = this.bits.slice();
    if (this.stride === 1) {
      const m = s.words[0]!;
      for (let a = 0; a < this.n; a++) out[a]! &= m;
      return new Relation(this.n, out);
    }
    for (let a = 0; a < this.n; a++) for (let w = 0; w < this.stride; w++) out[a * this.stride + w]! &= s.words[w]!;
    return new Relation(this.n, out);
  }

  /** `[a] ; r ; [b]`. */
  restrict(a: EventSet, b: EventSet): Relation {
    return this.fromSet(a).toSet(b);
  }

  /** Row a kept only where `masks[a]` has a bit: `r & (a × masks[a])`, e.g. herd's `& int` with per-event thread masks. */
  maskRows(masks: readonly EventSet[], complement = false): Relation {
    const out = this.bits.slice();
    const { n, stride } = this;
    for (let a = 0; a < n; a++) {
      const m = masks[a]!.words;
      const base = a * stride;
      for (let w = 0; w < stride; w++) out[base + w]! &= complement ? ~m[w]! : m[w]!;
    }
    return new Relation(n, out);
  }

  /** Pairs whose two events satisfy `test` (herd's `& int`, `& ext`, `& loc`). */
  filter(test: (a: number, b: number) => boolean): Relation {
    const r = new Relation(this.n);
    for (let a = 0; a < this.n; a++) this.eachOfRow(a, (b) => test(a, b) && r.set(a, b));
    return r;
  }

  /** The events related to something: herd's `domain(r)`. */
  domain(): EventSet {
    return EventSet.filter(this.n, (a) => {
      for (let w = 0; w < this.stride; w++) if (this.bits[a * this.stride + w] !== 0) return true;
      return false;
    });
  }

  /** The events something is related to: herd's `range(r)`. */
  range(): EventSet {
    const s = new EventSet(this.n);
    for (let a = 0; a < this.n; a++) for (let w = 0; w < this.stride; w++) s.words[w]! |= this.bits[a * this.stride + w]!;
    return s;
  }

  isEmpty(): boolean {
    for (let i = 0; i < this.bits.length; i++) if (this.bits[i] !== 0) return false;
    return true;
  }

  irreflexive(): boolean {
    for (let i = 0; i < this.n; i++) if (this.has(i, i)) return false;
    return true;
  }

  /** No cycle: repeatedly removes the events with no predecessor left (Kahn). */
  acyclic(): boolean {
    const { n, stride, bits } = this;
    if (stride === 1) {
      // The events left as one word: drop, round by round, those no event left points to.
      let left = n === 32 ? -1 : (1 << n) - 1;
      for (;;) {
        let pointedTo = 0;
        let rest = left;
        while (rest !== 0) {
          const low = rest & -rest;
          rest ^= low;
          pointedTo |= bits[31 - Math.clz32(low)]!;
        }
        const sources = left & ~pointedTo;
        if (sources === 0) return left === 0;
        left &= ~sources;
      }
    }
    const indegree = new Int32Array(n);
    for (let a = 0; a < n; a++) {
      for (let w = 0; w < stride; w++) {
        let word = bits[a * stride + w]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          word &= word - 1;
          indegree[(w << 5) + bit]!++;
        }
      }
    }
    const ready: number[] = [];
    for (let e = 0; e < n; e++) if (indegree[e] === 0) ready.push(e);
    let done = 0;
    while (ready.length > 0) {
      const a = ready.pop()!;
      done++;
      for (let w = 0; w < stride; w++) {
        let word = bits[a * stride + w]!;
        while (word !== 0) {
          const bit = 31 - Math.clz32(word & -word);
          word &= word - 1;
          const b = (w << 5) + bit;
          if (--indegree[b]! === 0) ready.push(b);
        }
      }
    }
    return done === n;
  }

  /** Calls `f` with each b such that a→b, in increasing order. */
  eachOfRow(a: number, f: (b: number) => unknown): void {
    const base = a * this.stride;
    for (let w = 0; w < this.stride; w++) {
      let word = this.bits[base + w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        word &= word - 1;
        f((w << 5) + bit);
      }
    }
  }

  /** The events b with a→b, in increasing order. */
  row(a: number): number[] {
    const out: number[] = [];
    this.eachOfRow(a, (b) => out.push(b));
    return out;
  }

  pairs(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let a = 0; a < this.n; a++) this.eachOfRow(a, (b) => out.push([a, b]));
    return out;
  }

  equals(o: Relation): boolean {
    if (o.n !== this.n) return false;
    for (let i = 0; i < this.bits.length; i++) if (this.bits[i] !== o.bits[i]) return false;
    return true;
  }
}
