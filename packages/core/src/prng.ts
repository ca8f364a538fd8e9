/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32): every random choice of the
 * engine flows from one integer seed, so runs are reproducible byte for byte.
 */
export class Prng {
  /** The four state words, as int32 in a typed array so that no step boxes a number. */
  private readonly s = new Int32Array(4);

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    const st = this.s;
    st[0] = next();
    st[1] = next();
    st[2] = next();
    st[3] = next();
    if ((st[0] | st[1] | st[2] | st[3]) === 0) st[0] = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const st = this.s;
    const a = st[0] as number;
    const b = st[1] as number;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const c = (st[2] as number) ^ a;
    const d = (st[3] as number) ^ b;
    st[0] = a ^ d;
    st[1] = b ^ c;
    st[2] = c ^ (b << 9);
    st[3] = rotl(d, 11);
    return result;
  }

  /** A uniform integer in [0, n). */
  below(n: number): number {
    if (n <= 1) return 0;
    return Math.floor((this.nextU32() / 4294967296) * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
