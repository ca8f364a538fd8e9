import { OBS_UNKNOWN, StateSpace } from './state-space.js';

/** A 64-bit state fingerprint as two int32 halves; (0, 0) means "unique: never matches". */
export interface Fingerprint {
  hi: number;
  lo: number;
}

/** An IPI named by its sender's local record ids (see `serialize`): only this space can read it. */
const LOCAL_TICKET = /Q\d+:\d+:\d+/;

/**
 * A `StateSpace` whose ids also carry a 64-bit fingerprint of their content, the same in every
 * worker thread: the state ids it interns are local (numbered in the order one search met them),
 * the fingerprints are not, so workers exploring one tree can share a visited table keyed by them
 * (as parallel Spin and TLC share 64-bit state fingerprints; two states collide with probability
 * about n²/2⁶⁵, 3·10⁻⁸ for a million states). The whole-state tuple is not interned at all: the
 * fingerprint replaces it. A serialised value that names a queued IPI by this space's record ids is
 * salted with `salt`, so it only ever matches states of this space (sound, merely not shared).
 * States of different scenarios may look alike (a thread halfway through the same operation) and
 * still have different futures (its next operations): `scope` keeps them apart.
 */
export class FingerprintSpace extends StateSpace {
  private valueHi: number[] = [0];
  private valueLo: number[] = [0];
  private labelHi: number[] = [0];
  private histHi: number[] = [0];
  private histLo: number[] = [0];
  /** The fingerprint of the state `stateId` was last asked for. */
  readonly last: Fingerprint = { hi: 0, lo: 0 };

  constructor(
    private readonly salt: number,
    /** Part of every state's fingerprint: states of different searches (scenarios, shard units) never match. */
    private readonly scope = 0,
  ) {
    super();
  }

  override valueId(key: string): number {
    const id = super.valueId(key);
    if (id >= this.valueHi.length) {
      const local = LOCAL_TICKET.test(key);
      this.valueHi[id] = hashString(key, local ? 0x243f6a88 ^ this.salt : 0x243f6a88);
      this.valueLo[id] = hashString(key, local ? 0x85a308d3 ^ Math.imul(this.salt, 0x9e3779b1) : 0x85a308d3);
    }
    return id;
  }

  override labelId(label: string): number {
    const id = super.labelId(label);
    if (id >= this.labelHi.length) this.labelHi[id] = hashString(label, 0x13198a2e);
    return id;
  }

  override extend(prev: number, obs: Int32Array, len: number): number {
    const id = super.extend(prev, obs, len);
    if (id < this.histHi.length) return id;
    // Observations: a label id, then pairs (an object id or a marker, then a value id or a unique id).
    let hi = this.histHi[prev] as number;
    let lo = this.histLo[prev] as number;
    let unique = prev !== 0 && hi === 0 && lo === 0;
    hi = mix(hi, this.labelHi[obs[0] as number] as number);
    lo = mix(lo ^ 0x5bd1e995, this.labelHi[obs[0] as number] as number);
    for (let i = 1; i + 1 < len && !unique; i += 2) {
      const what = obs[i] as number;
      const v = obs[i + 1] as number;
      if (v > 0) {
        hi = mix(mix(hi, what), this.valueHi[v] as number);
        lo = mix(mix(lo, what), this.valueLo[v] as number);
      } else if (v === OBS_UNKNOWN) {
        hi = mix(mix(hi, what), v);
        lo = mix(mix(lo, what), ~v);
      } else {
        unique = true;
      }
    }
    this.setHist(id, unique, hi, lo);
    return id;
  }

  override started(mark: string): number {
    const id = super.started(mark);
    if (id >= this.histHi.length) this.setHist(id, false, hashString(mark, 0x03707344), hashString(mark, 0xa4093822));
    return id;
  }

  override done(): number {
    const id = super.done();
    if (id >= this.histHi.length) this.setHist(id, false, 0x299f31d0, 0x082efa98);
    return id;
  }

  /** Computes the fingerprint into `last` (0 when unique); the returned id is meaningless. */
  override stateId(unique: boolean, ghostId: number, keyIds: readonly number[], steps: number, history: readonly number[], extra: number | undefined): number {
    const fp = this.last;
    fp.hi = 0;
    fp.lo = 0;
    if (unique) return 0;
    let hi = mix(mix(0x452821e6, this.scope), this.valueHi[ghostId] as number);
    let lo = mix(mix(0x38d01377, ~this.scope), this.valueLo[ghostId] as number);
    for (let i = 0; i < keyIds.length; i++) {
      const k = keyIds[i] as number;
      hi = mix(hi, this.valueHi[k] as number);
      lo = mix(lo, this.valueLo[k] as number);
    }
    hi = mix(hi, steps);
    lo = mix(lo, ~steps);
    for (let t = 0; t < history.length; t++) {
      const h = history[t] as number;
      const a = this.histHi[h] as number;
      const b = this.histLo[h] as number;
      if (a === 0 && b === 0) return 0;
      hi = mix(hi, a);
      lo = mix(lo, b);
    }
    if (extra !== undefined) {
      hi = mix(hi, extra);
      lo = mix(lo, ~extra);
    }
    fp.hi = fmix(hi);
    fp.lo = fmix(lo) | 1;
    return 0;
  }

  private setHist(id: number, unique: boolean, hi: number, lo: number): void {
    while (this.histHi.length < id) {
      this.histHi.push(0);
      this.histLo.push(0);
    }
    this.histHi[id] = unique ? 0 : fmix(hi);
    this.histLo[id] = unique ? 0 : fmix(lo) | 1;
  }
}

function mix(h: number, x: number): number {
  return Math.imul(h ^ x, 0x9e3779b1) ^ (h >>> 15);
}

/** Murmur3's finaliser: every input bit reaches every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashString(s: string, seed: number): number {
  let h = seed ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}
