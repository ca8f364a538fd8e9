// Values are numbers. A pointer to location i is POINTER_BASE + i: far above any integer a litmus
// test computes, so that a register holding `&x` prints as `x`, as herd prints it.

export const POINTER_BASE = 2 ** 40;
const POINTER_LIMIT = POINTER_BASE + 2 ** 20;

export function pointerTo(loc: number): number {
  return POINTER_BASE + loc;
}

/** The location a value points to, or -1 when it is not a pointer. */
export function pointee(v: number): number {
  return v >= POINTER_BASE && v < POINTER_LIMIT ? v - POINTER_BASE : -1;
}

/** A value as herd prints it: an integer, or the name of the location it points to. */
export function formatValue(v: number, locationNames: readonly string[]): string {
  const loc = pointee(v);
  if (loc >= 0) return locationNames[loc] ?? `?${loc}`;
  return String(v);
}
