// Parameter updates over the one flat parameter array: SGD with momentum and Adam. An update
// works on any range of the parameters, so two threads can each update half; the optimiser's
// state lives in Float32Arrays that may be shared with a worker. No allocation per step.

export const OPTIMIZERS = ["sgd", "adam"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Below this magnitude optimiser state is set to zero, well above float32's subnormal range
 *  (1.2e-38) and far below any value that moves a weight. Subnormal arithmetic is several times
 *  slower; multiplying by 0 (not assigning 0) keeps V8's doubles unboxed. */
const FLUSH = 1e-30;

export interface OptimizerSpec {
  name: OptimizerName;
  /** SGD only. */
  momentum: number;
}

export interface Optimizer {
  /** Per-step scalar from the learning rate (Adam folds in its bias corrections here), computed
   *  once per step on one thread; advances the step count. */
  beginStep(learningRate: number): number;
  /** parameters[start, end) updated from gradient[start, end) with beginStep's rate. */
  update(parameters: Float32Array, gradient: Float32Array, start: number, end: number, rate: number): void;
  /** The per-parameter state arrays, to hand to a worker that updates the other half. */
  readonly state: Float32Array[];
}

/** Classical momentum: velocity ← momentum·velocity − lr·gradient; parameters += velocity. */
export function sgdUpdate(parameters: Float32Array, gradient: Float32Array, velocity: Float32Array, start: number, end: number, learningRate: number, momentum: number): void {
  for (let i = start; i < end; i++) {
    let v = momentum * velocity[i] - learningRate * gradient[i];
    if (v < FLUSH && v > -FLUSH) v *= 0;
    velocity[i] = v;
    parameters[i] += v;
  }
}

/** Adam (Kingma & Ba 2015) over [start, end); correctedRate includes both bias corrections. */
export function adamUpdate(
  parameters: Float32Array, gradient: Float32Array, firstMoment: Float32Array, secondMoment: Float32Array,
  start: number, end: number, correctedRate: number, beta1: number, beta2: number, epsilon: number,
): void {
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  for (let i = start; i < end; i++) {
    const g = gradient[i];
    let m = beta1 * firstMoment[i] + keep1 * g;
    let v = beta2 * secondMoment[i] + keep2 * g * g;
    // Moments of rarely inked inputs decay towards zero: flush before they turn subnormal.
    if (m < FLUSH && m > -FLUSH) m *= 0;
    if (v < FLUSH) v *= 0;
    firstMoment[i] = m;
    secondMoment[i] = v;
    parameters[i] -= (correctedRate * m) / (Math.sqrt(v) + epsilon);
  }
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * An optimiser for size parameters. state: existing arrays to work on (a worker passes the
 * main thread's shared ones); otherwise fresh ones, in SharedArrayBuffers when shared is true.
 */
export function createOptimizer(spec: OptimizerSpec, size: number, shared = false, state?: Float32Array[]): Optimizer {
  const fresh = (): Float32Array => (shared ? new Float32Array(new SharedArrayBuffer(size * 4)) : new Float32Array(size));
  if (spec.name === "sgd") {
    const [velocity] = state ?? [fresh()];
    return {
      state: [velocity],
      beginStep: (learningRate) => learningRate,
      update: (parameters, gradient, start, end, rate) => sgdUpdate(parameters, gradient, velocity, start, end, rate, spec.momentum),
    };
  }
  const [firstMoment, secondMoment] = state ?? [fresh(), fresh()];
  // β^t as running products, flushed to 0 once negligible (β1^t would otherwise sink through
  // the subnormal range of doubles after ~6,700 steps).
  let beta1Power = 1;
  let beta2Power = 1;
  return {
    state: [firstMoment, secondMoment],
    beginStep(learningRate) {
      beta1Power = beta1Power * BETA1 < FLUSH ? 0 : beta1Power * BETA1;
      beta2Power = beta2Power * BETA2 < FLUSH ? 0 : beta2Power * BETA2;
      return (learningRate * Math.sqrt(1 - beta2Power)) / (1 - beta1Power);
    },
    update: (parameters, gradient, start, end, rate) => adamUpdate(parameters, gradient, firstMoment, secondMoment, start, end, rate, BETA1, BETA2, EPSILON),
  };
}
