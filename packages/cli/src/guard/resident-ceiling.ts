import { CELL } from './watchdog-cell.js';

const MB = 1024 * 1024;

/** What a thread's runtime is taken to cost before its own cost has been seen (the CLI, jiti and the TypeScript compiler). */
const RUNTIME_GUESS_MB = 160;

/** The least a thread's runtime is taken to cost, however small it measured. */
const RUNTIME_FLOOR_MB = 48;

/**
 * V8's young generation (three 16 MB semi-spaces on 64-bit), which a thread's heap has beside the
 * old generation `--max-memory` caps: allowed per thread, so that a model that fills its heap
 * meets the heap limit (and its message) first.
 */
const YOUNG_GENERATION_MB = 48;

/**
 * The ceiling on the process's resident memory (`rss`: every thread's heap, and what lives outside
 * the JS heaps, typed arrays and buffers) for a guarded run under `--max-memory`: the limit, plus
 * what kvmrace takes itself, so that the limit counts the model's memory and a fine model is not
 * stopped for the runtimes it runs in: the parent as it was before the run, and one runtime per
 * thread that runs the model (the guarded worker and each verify pool worker alive), measured as
 * what the guarded worker had added once it had started and loaded the model file, and its young
 * generation.
 */
export class ResidentCeiling {
  private readonly beforeMb = process.memoryUsage.rss() / MB;

  constructor(
    private readonly maxMemoryMb: number,
    private readonly cell: Int32Array,
  ) {}

  /** The ceiling now, in MB. */
  ceilingMb(): number {
    const loaded = Atomics.load(this.cell, CELL.loadedRssMb);
    const runtime = loaded > 0 ? Math.max(RUNTIME_FLOOR_MB, loaded - this.beforeMb) : RUNTIME_GUESS_MB;
    const threads = 1 + Math.max(0, Atomics.load(this.cell, CELL.poolWorkers));
    return this.maxMemoryMb + this.beforeMb + threads * (runtime + YOUNG_GENERATION_MB);
  }

  /** True when the process is past the ceiling now. */
  exceeded(): boolean {
    return process.memoryUsage.rss() / MB > this.ceilingMb();
  }
}

/** Records, in the guarded worker once the model file has loaded, the process's resident memory (see `ResidentCeiling`). */
export function recordLoadedResidentMemory(cell: Int32Array): void {
  Atomics.store(cell, CELL.loadedRssMb, Math.ceil(process.memoryUsage.rss() / MB));
}
