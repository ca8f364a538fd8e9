import type { ModelNames } from './user-code-now.js';

/** How a guarded run's messages name the model: by name once its file has loaded. */
export function modelLabel(names: ModelNames | undefined): string {
  return names ? `model '${names.model}'` : 'the model file';
}

/** A thread ran out of the heap `--max-memory` gives it. */
export function outOfHeapMessage(names: ModelNames | undefined, maxMemoryMb: number): string {
  return `${modelLabel(names)} ran out of memory (more than ${maxMemoryMb} MB of heap); raise --max-memory if it needs more`;
}

/** The whole process went past `--max-memory` (beyond kvmrace's own runtimes), memory outside the heap included. */
export function outOfResidentMemoryMessage(names: ModelNames | undefined, maxMemoryMb: number): string {
  return `${modelLabel(names)} ran out of memory (more than ${maxMemoryMb} MB, typed arrays and buffers included); raise --max-memory if it needs more`;
}

/** Model code called `process.exit()`; `where` names the code ("operation 'refresh'"), if known. */
export function modelExitMessage(names: ModelNames | undefined, where: string | undefined, loading: boolean): string {
  if (loading || !names) return 'the model file called process.exit() while loading; a model must not end the process';
  return `${modelLabel(names)}: ${where ?? 'its code'} called process.exit(); a model must not end the process`;
}
