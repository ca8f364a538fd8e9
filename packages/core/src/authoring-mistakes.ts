// The authoring mistakes a run can see, each as the sentence that tells the author the fix. The
// engine asks only when a value is not what a well-written model hands it, so these cost nothing
// on the hot path.

/** Why `value`, yielded by a thread program, is not a step; undefined when it is one. */
export function notAStep(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object') {
    const o = value as { next?: unknown; label?: unknown; accesses?: unknown };
    if (typeof o.next === 'function') return "yielded a call (a primitive's, or a helper generator) instead of running it: use yield* to run a primitive's step (yield* v.read(), not yield v.read())";
    if (typeof o.label === 'string' && Array.isArray(o.accesses)) return undefined;
  }
  return `yielded ${describe(value)}, which is not a step: yield only what core's primitives give, with yield* (yield* v.read(), yield* lock.lock())`;
}

/** Why what an operation's `run` returned is not a thread program. */
export function notAThreadProgram(value: unknown): string {
  if (value !== null && typeof value === 'object' && Symbol.asyncIterator in value) {
    return 'run() is an async generator: kvmrace runs synchronous generators; write it as function* (state, t) { ... }, without async';
  }
  if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
    return 'run() returned a Promise: write it as a generator function, function* (state, t) { ... }, that yields one step per shared access';
  }
  return `run() returned ${describe(value)}, not a generator: write it as function* (state, t) { ... }, yielding one step per shared access with yield*`;
}

/** Why what an invariant's `check` returned is not a verdict. */
export function notAVerdict(value: unknown): string {
  return `check() returned ${describe(value)}: it must return true when the invariant holds, or false or a message string when it does not`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return `the number ${String(value)}`;
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}
