/**
 * The shared memory a guarded run's threads and the parent watch together. Every thread that runs
 * the user's model code (the guarded worker, slot 0, and each verify pool worker, slots 1 and up)
 * has its own slot: it bumps `beats` whenever it enters or leaves the model's code and says what it
 * is in; the parent stops the run when a thread stays inside one piece of model code for longer
 * than the step time limit. Slot 0 sits at the start, where the model loader expects it.
 */
export const CELL = {
  /** Slot 0: bumped on every entry into and exit from user code. */
  beats: 0,
  /** Slot 0: what user code runs now (a `USER_CODE` value), 0 between calls. */
  kind: 1,
  /** Slot 0: which operation or invariant (an index into the model's names). */
  index: 2,
  /** 0 while the guarded worker loads the model file, 1 once it runs. */
  phase: 3,
  /** 1 once model code called `process.exit()`; `exitKind`/`exitIndex` say where. */
  exited: 4,
  exitKind: 5,
  exitIndex: 6,
  /** `--max-memory`, in MB: the heap limit of every verify pool worker. */
  maxMemoryMb: 7,
  /** Verify pool workers alive now (each costs a runtime's memory the model is not charged for). */
  poolWorkers: 8,
  /** Pool slots handed out so far (slot `1 + n % POOL_SLOTS` is the n-th). */
  slotsUsed: 9,
  /** The process's resident memory, in MB, when the guarded worker had loaded the model file (before any model code ran). */
  loadedRssMb: 10,
} as const;

/** Offsets within one thread's slot. */
export const SLOT = { beats: 0, kind: 1, index: 2 } as const;

/** Pool slots (one per pool worker alive at once: `--workers` takes at most 256). */
export const POOL_SLOTS = 256;

/** Where pool slot 1 starts. */
const POOL_BASE = 11;

/** What kind of user code a thread is inside. */
export const USER_CODE = { none: 0, operation: 1, setup: 2, invariant: 3, describeState: 4, when: 5, allowed: 6, loading: 7 } as const;

/** The index in the cell of slot `slot`'s first field (slot 0: the guarded worker). */
export function slotBase(slot: number): number {
  return slot === 0 ? 0 : POOL_BASE + (slot - 1) * 3;
}

/** A new cell (shared between the threads). */
export function newWatchdogCell(): Int32Array {
  return new Int32Array(new SharedArrayBuffer((POOL_BASE + POOL_SLOTS * 3) * Int32Array.BYTES_PER_ELEMENT));
}

/** Takes a pool slot for a new worker, marked as loading the model file. */
export function takePoolSlot(cell: Int32Array): number {
  const slot = 1 + (Atomics.add(cell, CELL.slotsUsed, 1) % POOL_SLOTS);
  const base = slotBase(slot);
  Atomics.store(cell, base + SLOT.kind, USER_CODE.loading);
  Atomics.add(cell, base + SLOT.beats, 1);
  return slot;
}

/** The slots in use so far: 0 and the pool slots handed out. */
export function slotsInUse(cell: Int32Array): number[] {
  const pool = Math.min(Atomics.load(cell, CELL.slotsUsed), POOL_SLOTS);
  return Array.from({ length: pool + 1 }, (_, i) => i);
}
