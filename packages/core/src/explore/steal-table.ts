/**
 * The visited set that worker threads exploring one search share: an open-addressing table of
 * 64-bit state fingerprints (see `FingerprintSpace`) in a `SharedArrayBuffer`, three int32 per slot
 * (the fingerprint's low half, its high half, and the entry), updated with `Atomics` only: a state
 * is claimed by exactly one worker, the first to reach it, as in parallel Spin's and TLC's shared
 * fingerprint sets. The entry packs what `statefulSearch` keeps per state: whether its first visit
 * has finished (until then a hit on it cannot say its subtree is free of failures), whether some
 * execution through it failed, and the sleep set of its first visit as a thread bit mask (only
 * "which threads slept" is needed again: Godefroid's rule for a revisit).
 */
export class SharedStateTable {
  readonly cells: Int32Array;
  private readonly mask: number;
  /** Slots claimed before the table stops taking new states (a full table only costs sharing). */
  private readonly limit: number;

  /** A new table of `slots` slots (a power of two), or a view of one made elsewhere (`buffer`). */
  constructor(slotsOrBuffer: number | SharedArrayBuffer) {
    const buffer = typeof slotsOrBuffer === 'number' ? new SharedArrayBuffer((slotsOrBuffer * SLOT + HEADER) * 4) : slotsOrBuffer;
    this.cells = new Int32Array(buffer);
    const slots = (this.cells.length - HEADER) / SLOT;
    if (!Number.isInteger(slots) || slots < 2 || (slots & (slots - 1)) !== 0) throw new RangeError(`a state table needs a power of two slots, not ${slots}`);
    this.mask = slots - 1;
    this.limit = Math.floor(slots * 0.75);
  }

  /** The memory behind the table (send it to workers). */
  get buffer(): SharedArrayBuffer {
    return this.cells.buffer as SharedArrayBuffer;
  }

  /** States claimed so far. */
  get size(): number {
    return Atomics.load(this.cells, COUNT);
  }

  /**
   * The slot of fingerprint (hi, lo), claimed for the caller with entry `entry` when no worker had
   * it: returns `slot` (claimed now: the caller explores the state) or `-slot - 1` (it was there),
   * or `NO_SLOT` when the table is full (explore it, uncached).
   */
  claim(hi: number, lo: number, entry: number): number {
    const c = this.cells;
    let s = (hi ^ Math.imul(lo, 0x9e3779b1)) & this.mask;
    for (;;) {
      const at = HEADER + s * SLOT;
      const seen = Atomics.load(c, at);
      if (seen === 0) {
        if (Atomics.load(c, COUNT) >= this.limit) return NO_SLOT;
        // The entry and the high half are written before the low half makes the slot visible.
        const won = Atomics.compareExchange(c, at + 2, 0, entry | CLAIMED) === 0;
        if (won) {
          Atomics.store(c, at + 1, hi);
          Atomics.add(c, COUNT, 1);
          Atomics.store(c, at, lo);
          return s;
        }
      }
      // Someone claimed it (maybe just now): wait for its fingerprint, then compare.
      let l = Atomics.load(c, at);
      while (l === 0) l = Atomics.load(c, at);
      if (l === lo && Atomics.load(c, at + 1) === hi) return -s - 1;
      s = (s + 1) & this.mask;
    }
  }

  /** The entry of a slot `claim` returned. */
  entry(slot: number): number {
    return Atomics.load(this.cells, HEADER + slot * SLOT + 2);
  }

  /** Sets bits of a slot's entry. */
  mark(slot: number, bits: number): void {
    Atomics.or(this.cells, HEADER + slot * SLOT + 2, bits);
  }

  /** Replaces a slot's entry if it is still `expected`; returns whether it was. */
  swap(slot: number, expected: number, next: number): boolean {
    return Atomics.compareExchange(this.cells, HEADER + slot * SLOT + 2, expected, next) === expected;
  }
}

/** Int32s per slot, and before the slots (the count of claimed slots). */
const SLOT = 3;
const HEADER = 2;
const COUNT = 0;
/** `claim`'s answer when the table is full. */
export const NO_SLOT = 0x7fffffff;
/** Entry bits: never zero once claimed; the first visit has finished; a failure below; then the sleep mask. */
export const CLAIMED = 1;
export const FINISHED = 2;
export const FAILED = 4;
export const SLEEP_SHIFT = 3;

/** Slots for a search expected to visit about `states` states (at most 2^24: 192 MB). */
export function tableSlotsFor(states: number): number {
  let slots = 1 << 16;
  while (slots < states * 2 && slots < 1 << 24) slots *= 2;
  return slots;
}

/** Slots of `VisitedStates` from here on are this worker's own (the shared table was full). */
const LOCAL_BASE = 1 << 30;

/**
 * The visited set one worker sees: the shared table, and once that is full a table of the worker's
 * own (states then stop being shared, not cached). Slots and entries as `SharedStateTable`'s.
 */
export class VisitedStates {
  private readonly local = new Map<number, number>();
  private entries: number[] = [];

  constructor(readonly shared: SharedStateTable) {}

  /** As `SharedStateTable.claim`, never `NO_SLOT`. */
  claim(hi: number, lo: number, entry: number): number {
    const s = this.shared.claim(hi, lo, entry);
    if (s !== NO_SLOT) return s;
    // 53 bits of the fingerprint, exactly representable as a Map key.
    const key = (hi & 0x1fffff) * 0x100000000 + (lo >>> 0);
    const at = this.local.get(key);
    if (at !== undefined) return -(LOCAL_BASE + at) - 1;
    this.local.set(key, this.entries.length);
    this.entries.push(entry | CLAIMED);
    return LOCAL_BASE + this.entries.length - 1;
  }

  entry(slot: number): number {
    return slot >= LOCAL_BASE ? (this.entries[slot - LOCAL_BASE] as number) : this.shared.entry(slot);
  }

  mark(slot: number, bits: number): void {
    if (slot >= LOCAL_BASE) this.entries[slot - LOCAL_BASE] = (this.entries[slot - LOCAL_BASE] as number) | bits;
    else this.shared.mark(slot, bits);
  }

  swap(slot: number, expected: number, next: number): boolean {
    if (slot < LOCAL_BASE) return this.shared.swap(slot, expected, next);
    if (this.entries[slot - LOCAL_BASE] !== expected) return false;
    this.entries[slot - LOCAL_BASE] = next;
    return true;
  }
}
