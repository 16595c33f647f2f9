// Parameter updates over the one flat parameter array: SGD with momentum and Adam. Each step is
// a single loop over all parameters; no allocation after construction.

export const OPTIMIZERS = ["sgd", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Below this magnitude optimiser state is set to zero, well above float32's subnormal range
 *  (1.2e-38) and far below any value that moves a weight. */
const FLUSH = 1e-30;

export interface Optimizer {
  /** parameters ← parameters − update(gradient) at this learning rate. */
  step(parameters: Float32Array, gradient: Float32Array, learningRate: number): void;
}

/** Classical momentum: velocity ← momentum·velocity − lr·gradient; parameters += velocity. */
export function createSgd(size: number, momentum: number): Optimizer {
  const velocity = new Float32Array(size);
  return {
    step(parameters, gradient, learningRate) {
      for (let i = 0; i < size; i++) {
        let v = momentum * velocity[i] - learningRate * gradient[i];
        if (v < FLUSH && v > -FLUSH) v *= 0;
        velocity[i] = v;
        parameters[i] += v;
      }
    },
  };
}

/**
 * One Adam update over parameters[0..size): moments updated in place, step scaled by
 * correctedRate (the learning rate with both bias corrections folded in). A free function over
 * plain arguments so that V8 keeps every value in registers.
 */
export function adamStep(
  parameters: Float32Array, gradient: Float32Array, firstMoment: Float32Array, secondMoment: Float32Array,
  size: number, correctedRate: number, beta1: number, beta2: number, epsilon: number,
): void {
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  for (let i = 0; i < size; i++) {
    const g = gradient[i];
    let m = beta1 * firstMoment[i] + keep1 * g;
    let v = beta2 * secondMoment[i] + keep2 * g * g;
    // Moments of inputs that are rarely inked decay towards zero; stored as float32 they would
    // become subnormal, which slows the processor down several-fold. Flush them (multiplying by
    // 0 keeps the variables unboxed doubles in V8; assigning 0 does not).
    if (m < FLUSH && m > -FLUSH) m *= 0;
    if (v < FLUSH) v *= 0;
    firstMoment[i] = m;
    secondMoment[i] = v;
    parameters[i] -= (correctedRate * m) / (Math.sqrt(v) + epsilon);
  }
}

/** Adam (Kingma & Ba 2015) with bias correction; β1 0.9, β2 0.999, ε 1e-8. */
export function createAdam(size: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): Optimizer {
  const firstMoment = new Float32Array(size);
  const secondMoment = new Float32Array(size);
  // β^t, kept as running products and flushed to 0 once negligible (β1^t would otherwise sink
  // through the subnormal range of doubles after ~6,700 steps).
  let beta1Power = 1;
  let beta2Power = 1;
  return {
    step(parameters, gradient, learningRate) {
      beta1Power = beta1Power * beta1 < FLUSH ? 0 : beta1Power * beta1;
      beta2Power = beta2Power * beta2 < FLUSH ? 0 : beta2Power * beta2;
      const correctedRate = (learningRate * Math.sqrt(1 - beta2Power)) / (1 - beta1Power);
      adamStep(parameters, gradient, firstMoment, secondMoment, size, correctedRate, beta1, beta2, epsilon);
    },
  };
}

export function createOptimizer(name: OptimizerName, size: number, momentum: number): Optimizer {
  return name === "adam" ? createAdam(size) : createSgd(size, momentum);
}
