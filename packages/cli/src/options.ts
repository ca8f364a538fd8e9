import { UsageError } from './errors.js';

/** Parses a whole number within bounds, for option `flag`; throws a one-line error otherwise. */
export function parseWhole(flag: string, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${flag} takes a whole number, not '${text}'`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, not ${text}`);
  return n;
}

/** Parses a seed: any whole number from 0 to 2^32-1. */
export function parseSeed(text: string): number {
  return parseWhole('--seed', text, 0, 0xffffffff);
}
