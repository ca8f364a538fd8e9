import { fromRuns, toRuns } from './schedule.js';
import type { Scenario } from './scenario.js';

/** Everything a replay needs: with the model's code, this reproduces one execution exactly. */
export interface ReplayRecord {
  /** Model name. */
  readonly model: string;
  /** Enabled fixes. */
  readonly fixes: readonly string[];
  /** Per thread, its operations. */
  readonly scenario: Scenario;
  /** Thread id per step. */
  readonly schedule: readonly number[];
  /** The engine that found it (`random`, `pct`, `fast-check`, `exhaustive`...), for information. */
  readonly engine: string;
  /** `modelFingerprint` of the model that made it: a replay against a changed model is refused. */
  readonly fingerprint?: string;
  /** `runDigest` of the recorded run (its steps' labels and outcome): a replay that differs is refused. */
  readonly digest?: string;
  /** The weak memory model it ran under (absent: `sc`). */
  readonly memory?: 'tso' | 'lkmm';
  /** Under a weak memory model: its reads-from and coherence choices, in order. */
  readonly choices?: readonly number[];
  /** Under a weak memory model: the barrier toggles that were off. */
  readonly withoutBarriers?: readonly string[];
}

/** Token format version; a token of another version is refused with a clear message. */
export const TOKEN_VERSION = 1;
const PREFIX = `kr${TOKEN_VERSION}.`;

/** A replay token that cannot be read. */
export class TokenError extends Error {
  override readonly name = 'TokenError';
}

/** Encodes a record as a compact, URL-safe, versioned token with a checksum: `kr1.<payload>.<check>`. */
export function encodeToken(record: ReplayRecord): string {
  const payload = Buffer.from(
    JSON.stringify({
      m: record.model,
      f: record.fixes,
      s: record.scenario,
      r: toRuns(record.schedule).flat(),
      e: record.engine,
      ...(record.fingerprint !== undefined ? { h: record.fingerprint } : {}),
      ...(record.digest !== undefined ? { d: record.digest } : {}),
      ...(record.memory !== undefined ? { w: record.memory, c: record.choices ?? [], b: record.withoutBarriers ?? [] } : {}),
    }),
    'utf8',
  ).toString('base64url');
  return `${PREFIX}${payload}.${checksum(payload)}`;
}

/** Decodes and validates a token's shape (not whether its model exists). Throws `TokenError`. */
export function decodeToken(token: string): ReplayRecord {
  const text = token.trim();
  const version = /^kr(\d+)\./.exec(text);
  if (!version) throw new TokenError('not a kvmrace replay token (it should start with kr1.)');
  if (Number(version[1]) !== TOKEN_VERSION) throw new TokenError(`replay token version ${version[1]} is not supported (this kvmrace reads version ${TOKEN_VERSION})`);
  const parts = text.slice(PREFIX.length).split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new TokenError('replay token is truncated or malformed');
  const [payload, check] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) throw new TokenError('replay token has characters outside base64url');
  if (checksum(payload) !== check) throw new TokenError('replay token checksum does not match (truncated or edited?)');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError('replay token payload is not valid');
  }
  const o = raw as { m?: unknown; f?: unknown; s?: unknown; r?: unknown; e?: unknown; h?: unknown; d?: unknown; w?: unknown; c?: unknown; b?: unknown };
  if (o.w !== undefined) {
    if (o.w !== 'tso' && o.w !== 'lkmm') throw new TokenError('replay token memory model is malformed');
    if (!Array.isArray(o.c) || !o.c.every((x) => Number.isInteger(x) && x >= 0)) throw new TokenError('replay token choices are malformed');
    if (!Array.isArray(o.b) || !o.b.every((x) => typeof x === 'string')) throw new TokenError('replay token barriers are malformed');
  }
  for (const [key, what] of [['h', 'model fingerprint'], ['d', 'run digest']] as const) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || !/^[0-9a-z]{1,13}$/.test(o[key]))) throw new TokenError(`replay token ${what} is malformed`);
  }
  if (typeof o.m !== 'string' || !o.m) throw new TokenError('replay token has no model name');
  if (!Array.isArray(o.f) || !o.f.every((x) => typeof x === 'string')) throw new TokenError('replay token fixes are malformed');
  if (!Array.isArray(o.s) || o.s.length === 0 || o.s.length > 16 || !o.s.every((ops) => Array.isArray(ops) && ops.every((x) => typeof x === 'string'))) {
    throw new TokenError('replay token scenario is malformed');
  }
  if (!Array.isArray(o.r) || o.r.length % 2 !== 0 || !o.r.every((x) => Number.isInteger(x) && x >= 0)) throw new TokenError('replay token schedule is malformed');
  const runs: Array<[number, number]> = [];
  let total = 0;
  for (let i = 0; i < o.r.length; i += 2) {
    const tid = o.r[i] as number;
    const count = o.r[i + 1] as number;
    if (tid >= o.s.length || count < 1) throw new TokenError('replay token schedule names a thread the scenario does not have');
    total += count;
    if (total > 10_000_000) throw new TokenError('replay token schedule is too long');
    runs.push([tid, count]);
  }
  return {
    model: o.m,
    fixes: o.f as string[],
    scenario: o.s as string[][],
    schedule: fromRuns(runs),
    engine: typeof o.e === 'string' ? o.e : 'unknown',
    ...(typeof o.h === 'string' ? { fingerprint: o.h } : {}),
    ...(typeof o.d === 'string' ? { digest: o.d } : {}),
    ...(o.w === 'tso' || o.w === 'lkmm' ? { memory: o.w, choices: o.c as number[], withoutBarriers: o.b as string[] } : {}),
  };
}

/** FNV-1a, 32 bits, in base 36: enough to catch truncation and edits, not an integrity seal. */
export function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}
