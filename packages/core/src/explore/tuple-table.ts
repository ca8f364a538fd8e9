/**
 * Hash-consing of small-integer tuples: equal tuples get the same id, different tuples different
 * ids (exact: a hash only picks the bucket; the tuples themselves are compared). It replaces string
 * keys built per explored step (`${a}:${b}:...` looked up in a Map): no string is made, flattened
 * or hashed, and the tuples sit in one typed array.
 *
 * Build a tuple with `clear` and `push` (int32 values), then `intern` it; ids are 1, 2, 3, ...
 */
export class TupleTable {
  /** The interned tuples, each as its length then its values. */
  private data = new Int32Array(1 << 12);
  private dataLen = 0;
  /** Per id, where its tuple starts in `data` (index 0 unused). */
  private starts = new Int32Array(1 << 10);
  /** Per id, its tuple's hash. */
  private hashes = new Int32Array(1 << 10);
  /** Open addressing: per slot an id, 0 when free. */
  private slots = new Int32Array(1 << 10);
  private mask = (1 << 10) - 1;
  private count = 0;
  /** The tuple being built. */
  private buf = new Int32Array(64);
  private len = 0;

  /** How many distinct tuples there are. */
  get size(): number {
    return this.count;
  }

  /** Starts a new tuple. */
  clear(): void {
    this.len = 0;
  }

  /** Appends a value (an int32) to the tuple being built. */
  push(x: number): void {
    if (this.len === this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.len++] = x;
  }

  /** Appends values (int32s). */
  pushAll(xs: readonly number[]): void {
    const n = xs.length;
    while (this.len + n > this.buf.length) {
      const b = new Int32Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < n; i++) buf[len++] = xs[i] as number;
    this.len = len;
  }

  /** The id of the tuple built since `clear`. */
  intern(): number {
    const buf = this.buf;
    const len = this.len;
    let h = len;
    // Stryker disable next-line ConditionalExpression: the hash only picks the bucket; tuples are compared value by value
    for (let i = 0; i < len; i++) h = Math.imul(h ^ (buf[i] as number), 0x9e3779b1) ^ (h >>> 15);
    h ^= h >>> 16;
    const data = this.data;
    let s = h & this.mask;
    for (;;) {
      const id = this.slots[s] as number;
      if (id === 0) break;
      if (this.hashes[id] === h) {
        const at = this.starts[id] as number;
        if (data[at] === len) {
          let i = 0;
          while (i < len && data[at + 1 + i] === buf[i]) i++;
          if (i === len) return id;
        }
      }
      s = (s + 1) & this.mask;
    }
    return this.add(h, s);
  }

  private add(h: number, slot: number): number {
    const id = ++this.count;
    const len = this.len;
    if (this.dataLen + len + 1 > this.data.length) {
      // Stryker disable next-line ArithmeticOperator: from half the size, the doubling loop below reaches the same power of two
      let n = this.data.length * 2;
      while (this.dataLen + len + 1 > n) n *= 2;
      const d = new Int32Array(n);
      d.set(this.data.subarray(0, this.dataLen));
      this.data = d;
    }
    const at = this.dataLen;
    this.data[at] = len;
    this.data.set(this.buf.subarray(0, len), at + 1);
    this.dataLen = at + 1 + len;
    if (id >= this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
      const hashes = new Int32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
    }
    this.starts[id] = at;
    this.hashes[id] = h;
    this.slots[slot] = id;
    // Keep the load under one half.
    if (id * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 1; id <= this.count; id++) {
      let s = (this.hashes[id] as number) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
