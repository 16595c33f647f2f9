// The inner loops of training, written for V8: outputs are processed in blocks of eight held in
// local variables (registers) rather than read and written through the typed array on every
// multiply. Plain loops handle the remainder. Weights are [inputs][outputs] throughout.

/** out[o .. o+outputs) ← bias + Σ_k value[k] · weights[index[k]][·], k in [begin, end). */
export function sparseAffine(
  out: Float32Array, o: number, bias: Float32Array, weights: Float32Array, outputs: number,
  index: Int32Array, value: Float32Array, begin: number, end: number,
): void {
  let j = 0;
  for (; j + 8 <= outputs; j += 8) {
    let s0 = bias[j], s1 = bias[j + 1], s2 = bias[j + 2], s3 = bias[j + 3];
    let s4 = bias[j + 4], s5 = bias[j + 5], s6 = bias[j + 6], s7 = bias[j + 7];
    for (let k = begin; k < end; k++) {
      const x = value[k];
      const w = index[k] * outputs + j;
      s0 += x * weights[w]; s1 += x * weights[w + 1]; s2 += x * weights[w + 2]; s3 += x * weights[w + 3];
      s4 += x * weights[w + 4]; s5 += x * weights[w + 5]; s6 += x * weights[w + 6]; s7 += x * weights[w + 7];
    }
    out[o + j] = s0; out[o + j + 1] = s1; out[o + j + 2] = s2; out[o + j + 3] = s3;
    out[o + j + 4] = s4; out[o + j + 5] = s5; out[o + j + 6] = s6; out[o + j + 7] = s7;
  }
  for (; j < outputs; j++) {
    let s = bias[j];
    for (let k = begin; k < end; k++) s += value[k] * weights[index[k] * outputs + j];
    out[o + j] = s;
  }
}

/** gradient[g + index[k]·outputs + ·] += value[k] · delta[d .. d+outputs), k in [begin, end). */
export function sparseOuterAccumulate(
  gradient: Float32Array, g: number, outputs: number,
  index: Int32Array, value: Float32Array, begin: number, end: number,
  delta: Float32Array, d: number,
): void {
  let j = 0;
  for (; j + 8 <= outputs; j += 8) {
    const d0 = delta[d + j], d1 = delta[d + j + 1], d2 = delta[d + j + 2], d3 = delta[d + j + 3];
    const d4 = delta[d + j + 4], d5 = delta[d + j + 5], d6 = delta[d + j + 6], d7 = delta[d + j + 7];
    for (let k = begin; k < end; k++) {
      const x = value[k];
      const w = g + index[k] * outputs + j;
      gradient[w] += x * d0; gradient[w + 1] += x * d1; gradient[w + 2] += x * d2; gradient[w + 3] += x * d3;
      gradient[w + 4] += x * d4; gradient[w + 5] += x * d5; gradient[w + 6] += x * d6; gradient[w + 7] += x * d7;
    }
  }
  for (; j < outputs; j++) {
    const dj = delta[d + j];
    for (let k = begin; k < end; k++) gradient[g + index[k] * outputs + j] += value[k] * dj;
  }
}

/** out[o .. o+outputs) ← bias + Σ_i input[x+i] · weights[i][·], skipping zero inputs. */
export function denseAffine(
  out: Float32Array, o: number, bias: Float32Array, weights: Float32Array, inputs: number, outputs: number,
  input: Float32Array, x: number,
): void {
  let j = 0;
  for (; j + 8 <= outputs; j += 8) {
    let s0 = bias[j], s1 = bias[j + 1], s2 = bias[j + 2], s3 = bias[j + 3];
    let s4 = bias[j + 4], s5 = bias[j + 5], s6 = bias[j + 6], s7 = bias[j + 7];
    for (let i = 0; i < inputs; i++) {
      const v = input[x + i];
      if (v === 0) continue;
      const w = i * outputs + j;
      s0 += v * weights[w]; s1 += v * weights[w + 1]; s2 += v * weights[w + 2]; s3 += v * weights[w + 3];
      s4 += v * weights[w + 4]; s5 += v * weights[w + 5]; s6 += v * weights[w + 6]; s7 += v * weights[w + 7];
    }
    out[o + j] = s0; out[o + j + 1] = s1; out[o + j + 2] = s2; out[o + j + 3] = s3;
    out[o + j + 4] = s4; out[o + j + 5] = s5; out[o + j + 6] = s6; out[o + j + 7] = s7;
  }
  for (; j < outputs; j++) {
    let s = bias[j];
    for (let i = 0; i < inputs; i++) s += input[x + i] * weights[i * outputs + j];
    out[o + j] = s;
  }
}

/**
 * For one sample of a dense layer: gradient of weights [inputs][outputs] += input ⊗ delta, and
 * back[b .. b+inputs) ← weights · delta (the gradient w.r.t. the layer's inputs).
 */
export function denseBackward(
  gradient: Float32Array, g: number, weights: Float32Array, inputs: number, outputs: number,
  input: Float32Array, x: number, delta: Float32Array, d: number, back: Float32Array, b: number,
): void {
  for (let i = 0; i < inputs; i++) {
    const v = input[x + i];
    const w = i * outputs;
    let sum = 0;
    for (let j = 0; j < outputs; j++) {
      const dj = delta[d + j];
      gradient[g + w + j] += v * dj;
      sum += weights[w + j] * dj;
    }
    back[b + i] = sum;
  }
}
