// A small seeded random number generator (sfc32) so that a training run is reproducible to the
// byte: the same seed and options give the same initial weights, shuffles and augmentations.
// Not for anything that needs unpredictability.

export interface Random {
  /** Uniform in [0, 1), 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n). */
  integer(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

export function createRandom(seed: number): Random {
  // sfc32 state from the seed, warmed up so that nearby seeds diverge.
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next32 = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const result = (t + d) | 0;
    c = (c + result) | 0;
    return result >>> 0;
  };
  for (let i = 0; i < 16; i++) next32();
  const next = (): number => next32() / 4294967296;
  return {
    next,
    integer: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next(); // (0, 1], safe for log
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}

/** Fisher–Yates shuffle of order in place. */
export function shuffle(order: Int32Array | Uint32Array, random: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.integer(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}
